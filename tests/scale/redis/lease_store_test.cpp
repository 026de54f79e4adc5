// Account leases, fencing tokens and the replica registry against a real redis-server. Expiry is real (50 ms TTLs)
// and awaited by polling in a bounded loop, never by sleeping a guessed time.
#include "scale/redis/lease_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using std::chrono::milliseconds;
constexpr milliseconds kLong{60'000}, kShort{50};

class LeaseStoreTest : public RedisFixture {
 protected:
  void SetUp() override {
    RedisFixture::SetUp();
    for (const char* prefix : {"test:", "staging:"}) run(io, seed_old_epoch(*client, prefix));
  }
};

TEST_F(LeaseStoreTest, OneOwnerAtATime) {
  LeaseStore leases(*client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string account = "alice", first = "replica-1", second = "replica-2";
    const auto token = co_await leases.acquire(account, first, kLong);
    EXPECT_TRUE(token.has_value());
    const auto refused = co_await leases.acquire(account, second, kLong);
    EXPECT_FALSE(refused.has_value());
    // The owner asking again (its first reply lost, say) keeps its lease and token.
    const auto again = co_await leases.acquire(account, first, kLong);
    EXPECT_EQ(again, token);
    const auto held = co_await leases.holder(account);
    EXPECT_TRUE(held && held->owner == first && held->token == *token);
    EXPECT_TRUE(held && held->remaining > milliseconds(0) && held->remaining <= kLong);
    const auto nobody = co_await leases.holder("bob");
    EXPECT_FALSE(nobody.has_value());
  };
  run(io, body());
}

TEST_F(LeaseStoreTest, RenewAndReleaseNeedTheOwnerAndItsToken) {
  LeaseStore leases(*client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string account = "alice", owner = "replica-1", other = "replica-2";
    const auto token = co_await leases.acquire(account, owner, kLong);
    EXPECT_TRUE(token.has_value());
    const std::int64_t current = token.value_or(0), stale = current - 1;
    // Named locals: a braced list inside a co_await does not compile with g++ 12.
    const std::vector<HeldLease> both{{account, current}, {account, stale}}, right{{account, current}};
    const KeepAlive renewed = co_await leases.keep_alive(owner, both, kLong);
    EXPECT_EQ(renewed.kept, (std::vector<bool>{true, false}));
    const KeepAlive by_other = co_await leases.keep_alive(other, right, kLong);
    EXPECT_EQ(by_other.kept, std::vector<bool>{false});
    const bool released_by_other = co_await leases.release(account, other, current);
    EXPECT_FALSE(released_by_other);
    const bool released_stale = co_await leases.release(account, owner, stale);
    EXPECT_FALSE(released_stale);
    const auto still = co_await leases.holder(account);
    EXPECT_TRUE(still && still->owner == owner);
    const bool released = co_await leases.release(account, owner, current);
    EXPECT_TRUE(released);
    const auto gone = co_await leases.holder(account);
    EXPECT_FALSE(gone.has_value());
    // Free again: the next holder's token is newer than every earlier one.
    const auto next = co_await leases.acquire(account, other, kLong);
    EXPECT_TRUE(next && *next > current);
  };
  run(io, body());
}

TEST_F(LeaseStoreTest, AnUnrenewedLeaseExpiresAndTheTokenKeepsGrowing) {
  LeaseStore leases(*client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string account = "alice", owner = "replica-1", successor = "replica-2";
    const auto token = co_await leases.acquire(account, owner, kShort);
    EXPECT_TRUE(token.has_value());
    auto lease_gone = [&]() -> asio::awaitable<bool> {
      const auto held = co_await leases.holder(account);
      co_return !held.has_value();
    };
    const bool expired = co_await eventually(lease_gone);
    EXPECT_TRUE(expired);
    // The old owner, back from a pause, finds out it lost the lease.
    const std::vector<HeldLease> held{{account, token.value_or(0)}};
    const KeepAlive renewed = co_await leases.keep_alive(owner, held, kLong);
    EXPECT_EQ(renewed.kept, std::vector<bool>{false});
    const auto next = co_await leases.acquire(account, successor, kLong);
    EXPECT_TRUE(next && token && *next > *token);
  };
  run(io, body());
}

TEST_F(LeaseStoreTest, PrefixesKeepDeploymentsApart) {
  LeaseStore ours(*client, "test:"), theirs(*client, "staging:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string account = "alice";
    const auto mine = co_await ours.acquire(account, "replica-1", kLong);
    const auto other = co_await theirs.acquire(account, "replica-9", kLong);
    EXPECT_TRUE(mine.has_value());
    EXPECT_TRUE(other.has_value());
  };
  run(io, body());
}

TEST_F(LeaseStoreTest, TheRegistryListsLiveReplicasSortedAndDropsSilentOnes) {
  LeaseStore registry(*client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::vector<HeldLease> none;
    co_await registry.keep_alive("replica-b", none, kLong);
    co_await registry.keep_alive("replica-a", none, kLong);
    co_await registry.keep_alive("replica-c", none, kShort);
    const auto all = co_await registry.live_replicas();
    // replica-c may already be gone on a slow machine; a and b are there, in order.
    EXPECT_GE(all.size(), 2u);
    EXPECT_EQ(all.at(0), "replica-a");
    EXPECT_EQ(all.at(1), "replica-b");
    auto c_gone = [&]() -> asio::awaitable<bool> {
      const auto live = co_await registry.live_replicas();
      co_return live == std::vector<std::string>{"replica-a", "replica-b"};
    };
    const bool pruned = co_await eventually(c_gone);
    EXPECT_TRUE(pruned);
    const RedisReply stored = co_await client->command("ZCARD", "test:replicas");
    EXPECT_EQ(stored.as_integer(), 2);  // pruned from Redis, not just from the answer
    co_await registry.leave("replica-b");
    const auto left = co_await registry.live_replicas();
    EXPECT_EQ(left, std::vector<std::string>{"replica-a"});
  };
  run(io, body());
}

TEST_F(LeaseStoreTest, TokensKeepGrowingAcrossARedisRestartThatLostItsData) {
  LeaseStore leases(*client, "test:");
  const std::string account = "alice";
  const auto before = run(io, leases.acquire(account, "replica-1", kLong));
  ASSERT_TRUE(before.has_value());
  server->restart();  // empty: every lease, token counter and the epoch are gone
  client->disconnect("the server restarted");
  run(io, seed_old_epoch(*client, "test:"));
  const auto after = run(io, leases.acquire(account, "replica-2", kLong));
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(*after, *before);  // the stale holder's writes stay refused
}

TEST_F(LeaseStoreTest, NoAccountIsGrantedWhileTheLeaseDataIsYoungerThanOneTtl) {
  LeaseStore leases(*client, "fresh:");  // a prefix whose data has just begun, as after a loss
  const milliseconds ttl{300};
  const auto too_early = run(io, leases.acquire("alice", "replica-1", ttl));
  EXPECT_FALSE(too_early.has_value());  // someone may still drive alice on a lease the lost data held
  auto granted = [&]() -> asio::awaitable<bool> {
    const auto token = co_await leases.acquire("alice", "replica-1", ttl);
    co_return token.has_value();
  };
  EXPECT_TRUE(run(io, eventually(granted)));
  const RedisReply began = run(io, client->command("HGET", "fresh:lease-epoch", "began"));
  EXPECT_FALSE(began.is_nil());  // the epoch never expires
}

TEST_F(LeaseStoreTest, DataFromAnotherRedisRunGrantsNothingForOneTtlNotEvenAnOwnersOwnLease) {
  LeaseStore leases(*client, "test:");
  const milliseconds ttl{300};
  const auto held = run(io, leases.acquire("alice", "replica-1", kLong));
  ASSERT_TRUE(held.has_value());
  // As after a restore from disk or a failover: the data (alice's lease among it) was written by another run.
  run(io, client->command("HSET", "test:lease-epoch", "run", "0123456789abcdef"));
  const auto own = run(io, leases.acquire("alice", "replica-1", ttl));
  EXPECT_FALSE(own.has_value());  // replica-1 may have lost alice since the data was written
  const auto other = run(io, leases.acquire("bob", "replica-2", ttl));
  EXPECT_FALSE(other.has_value());
  auto granted = [&]() -> asio::awaitable<bool> {
    const auto token = co_await leases.acquire("bob", "replica-2", ttl);
    co_return token.has_value();
  };
  EXPECT_TRUE(run(io, eventually(granted)));
}

TEST_F(LeaseStoreTest, OneKeepAliveHeartbeatsRenewsEveryHeldLeaseAndCountsTheLiveReplicas) {
  LeaseStore leases(*client, "test:");
  const auto a = run(io, leases.acquire("alice", "replica-1", kShort));
  const auto b = run(io, leases.acquire("bob", "replica-1", kShort));
  const auto other = run(io, leases.acquire("carol", "replica-2", kLong));
  ASSERT_TRUE(a && b && other);
  run(io, leases.keep_alive("replica-2", {}, kLong));
  const std::vector<HeldLease> held{{"alice", *a}, {"bob", *b}, {"carol", *other}, {"dave", 1}};
  const KeepAlive answer = run(io, leases.keep_alive("replica-1", held, kLong));
  EXPECT_EQ(answer.kept, (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(answer.live_replicas, 2u);
  const auto alice = run(io, leases.holder("alice"));
  EXPECT_TRUE(alice && alice->remaining > kShort);  // renewed to the long TTL
  const KeepAlive alone = run(io, leases.keep_alive("replica-3", {}, kLong));
  EXPECT_TRUE(alone.kept.empty());
  EXPECT_EQ(alone.live_replicas, 3u);
}

TEST(FairShare, IsTheCeilingOfAccountsPerLiveReplica) {
  EXPECT_EQ(fair_share(10, 3), 4u);
  EXPECT_EQ(fair_share(9, 3), 3u);
  EXPECT_EQ(fair_share(1, 3), 1u);
  EXPECT_EQ(fair_share(0, 3), 0u);
  EXPECT_EQ(fair_share(10, 0), 10u);
}

}  // namespace
}  // namespace mtpipe::scale::redis
