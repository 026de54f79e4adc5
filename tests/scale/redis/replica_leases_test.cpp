// The lease manager of a replica against a real redis-server, with a lease store the test can make fail, hang or
// answer late, and a fake account side that records what it was asked to do. Nothing here waits a guessed time:
// each test runs the event loop until the event it expects has happened.
#include "scale/redis/replica_leases.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "async/cancelled.h"
#include "async/event.h"
#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A LeaseStore whose calls the test can make fail or hang, and which remembers when each keep-alive was sent.
class TestLeaseStore : public LeaseStore {
 public:
  explicit TestLeaseStore(RedisClient& redis) : LeaseStore(redis, "test:") {}

  bool fail_acquire = false, fail_keep_alive = false, fail_release = false;
  bool hang_keep_alive = false;
  milliseconds keep_alive_delay{0};
  std::optional<SteadyClock::time_point> keep_alive_sent;
  int keep_alives = 0, releases = 0;

  asio::awaitable<std::optional<std::int64_t>> acquire(std::string account, std::string owner,
                                                       milliseconds ttl) override {
    if (fail_acquire) throw RedisError(RedisError::Kind::connection, "injected: acquire failed");
    co_return co_await LeaseStore::acquire(std::move(account), std::move(owner), ttl);
  }
  asio::awaitable<KeepAlive> keep_alive(std::string owner, std::vector<HeldLease> held, milliseconds ttl) override {
    keep_alive_sent = SteadyClock::now();
    ++keep_alives;
    if (fail_keep_alive) throw RedisError(RedisError::Kind::timeout, "injected: keep-alive timed out");
    if (hang_keep_alive) {
      try {
        co_await release_hang_.wait();
      } catch (const async::Cancelled&) {  // a cancelled hang ends as a hang that was given up on
      }
      throw RedisError(RedisError::Kind::timeout, "injected: keep-alive hung");
    }
    if (keep_alive_delay > milliseconds(0)) co_await pause(keep_alive_delay);
    co_return co_await LeaseStore::keep_alive(std::move(owner), std::move(held), ttl);
  }
  asio::awaitable<bool> release(std::string account, std::string owner, std::int64_t token) override {
    ++releases;
    if (fail_release) throw RedisError(RedisError::Kind::connection, "injected: release failed");
    co_return co_await LeaseStore::release(std::move(account), std::move(owner), token);
  }
  void end_hang() { release_hang_.notify_all(); }

 private:
  async::Event release_hang_;
};

// The account side: records every call in order.
struct RecordingAccounts : LeasedAccounts {
  std::vector<std::string> events;
  std::map<std::size_t, std::int64_t> tokens;
  std::set<std::size_t> failing_start;
  std::function<void(std::size_t)> on_save;

  void start(std::size_t account, std::int64_t token) override {
    if (failing_start.contains(account)) throw std::runtime_error("session file unreadable");
    events.push_back("start " + std::to_string(account));
    tokens[account] = token;
  }
  void save(std::size_t account) override {
    events.push_back("save " + std::to_string(account));
    if (on_save) on_save(account);
  }
  void stop(std::size_t account) override { events.push_back("stop " + std::to_string(account)); }
  bool saw(const std::string& event) const { return std::find(events.begin(), events.end(), event) != events.end(); }
  std::size_t index_of(const std::string& event) const {
    return static_cast<std::size_t>(std::find(events.begin(), events.end(), event) - events.begin());
  }
};

constexpr milliseconds kTtl{2000};

// One replica as the tests build it: its lease store, pool of two accounts, account side and lease manager.
struct Replica {
  Replica(RedisClient& redis, asio::io_context& io, const std::string& id)
      : store(redis),
        pool({"acc0", "acc1"}, AccountPoolOptions{}),
        leases(io.get_executor(), store, pool, accounts, ReplicaLeaseOptions{id, kTtl, {}}) {}
  TestLeaseStore store;
  AccountPool pool;
  RecordingAccounts accounts;
  ReplicaLeases leases;
};

class ReplicaLeasesTest : public RedisFixture {
 protected:
  // Lease data as old as a long-running deployment's (a fresh Redis grants nothing for one TTL).
  void SetUp() override {
    RedisFixture::SetUp();
    run(io, seed_old_epoch(*client, "test:"));
  }
};

TEST_F(ReplicaLeasesTest, ARoundThatFailsWhileTakingAccountsIsLoggedAndTheNextRoundGoesOn) {
  Replica r(*client, io, "replica");
  r.store.fail_acquire = true;
  run(io, r.leases.round());  // does not throw
  EXPECT_EQ(r.leases.counters().failed_rounds, 1u);
  EXPECT_EQ(r.leases.held(), 0u);
  r.store.fail_acquire = false;
  run(io, r.leases.round());
  EXPECT_EQ(r.leases.held(), 2u);
  EXPECT_TRUE(r.accounts.saw("start 0") && r.accounts.saw("start 1"));
}

TEST_F(ReplicaLeasesTest, AFailedHandBackEndsTheRoundWithoutLeavingTheAccountHalfHeld) {
  Replica first(*client, io, "first");
  run(io, first.leases.round());
  ASSERT_EQ(first.leases.held(), 2u);
  // A second replica joins: the first must hand one account back, and Redis refuses the release.
  Replica second(*client, io, "second");
  run(io, second.leases.round());
  first.store.fail_release = true;
  run(io, first.leases.round());
  EXPECT_EQ(first.leases.counters().failed_rounds, 1u);
  EXPECT_EQ(first.leases.held(), 1u);  // the handed-back account is not driven, whatever Redis said
  const std::size_t given = first.leases.holds(0) ? 1 : 0;
  EXPECT_TRUE(first.accounts.saw("stop " + std::to_string(given)));
  EXPECT_FALSE(first.pool.status(given).available);
}

TEST_F(ReplicaLeasesTest, ALeaseIsValidLocallyFromWhenItsRenewalWasSentNotWhenTheAnswerCame) {
  Replica r(*client, io, "replica");
  run(io, r.leases.round());
  ASSERT_TRUE(r.leases.holds(0));
  r.store.keep_alive_delay = milliseconds(300);  // the answer comes 300 ms after the renewal left
  run(io, r.leases.round());
  ASSERT_TRUE(r.store.keep_alive_sent && r.leases.valid_until(0));
  EXPECT_LE(*r.leases.valid_until(0), *r.store.keep_alive_sent + kTtl - r.leases.margin());
  EXPECT_GT(*r.leases.valid_until(0), *r.store.keep_alive_sent);
}

TEST_F(ReplicaLeasesTest, WhileARoundIsStuckOnRedisTheAccountsAreDroppedWhenTheirValidityEnds) {
  Replica r(*client, io, "replica");
  run(io, r.leases.round());
  ASSERT_EQ(r.leases.held(), 2u);
  const auto valid_until = *r.leases.valid_until(0);
  r.store.hang_keep_alive = true;
  auto stuck = asio::co_spawn(io, r.leases.round(), asio::use_future);
  run_until(io, [&] { return r.accounts.saw("stop 0") && r.accounts.saw("stop 1"); });
  EXPECT_GE(SteadyClock::now(), valid_until);
  EXPECT_EQ(r.leases.held(), 0u);
  EXPECT_EQ(r.leases.counters().expired, 2u);
  EXPECT_EQ(r.pool.usable_count(), 0u);
  r.store.end_hang();
  run_until(io, [&] { return stuck.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
  EXPECT_NO_THROW(stuck.get());
  EXPECT_EQ(r.leases.counters().failed_rounds, 1u);
}

TEST_F(ReplicaLeasesTest, RoundsThatCannotReachRedisKeepTheAccountsOnlyUntilTheirValidityEnds) {
  Replica r(*client, io, "replica");
  run(io, r.leases.round());
  ASSERT_EQ(r.leases.held(), 2u);
  r.store.fail_keep_alive = true;
  run(io, r.leases.round());  // a hiccup: nothing dropped yet
  EXPECT_EQ(r.leases.held(), 2u);
  EXPECT_FALSE(r.accounts.saw("stop 0"));
  // Rounds go on failing; the accounts go once their validity ends, before the TTL would let anyone else in.
  auto rounds = asio::co_spawn(io, r.leases.run(), asio::use_future);
  run_until(io, [&] { return r.leases.held() == 0; });
  EXPECT_GE(r.leases.counters().failed_rounds, 2u);
  EXPECT_TRUE(r.accounts.saw("stop 0") && r.accounts.saw("stop 1"));
  io.stop();
}

TEST_F(ReplicaLeasesTest, TwoProcessesWithTheSameReplicaIdNeverShareALease) {
  Replica a(*client, io, "same-host:1"), b(*client, io, "same-host:1");
  EXPECT_NE(a.leases.owner(), b.leases.owner());
  EXPECT_EQ(a.leases.owner().rfind("same-host:1#", 0), 0u);
  for (int round = 0; round < 2; ++round) {
    run(io, a.leases.round());
    run(io, b.leases.round());
  }
  for (std::size_t account = 0; account < 2; ++account) EXPECT_FALSE(a.leases.holds(account) && b.leases.holds(account));
  EXPECT_EQ(a.leases.held() + b.leases.held(), 2u);
}

TEST_F(ReplicaLeasesTest, HandingBackDrainsSavesStopsThenReleasesAndTheNewHolderStartsWithANewerToken) {
  Replica a(*client, io, "a");
  run(io, a.leases.round());
  ASSERT_EQ(a.leases.held(), 2u);
  // A request of a's is in flight on each account when b joins.
  const auto far = SteadyClock::now() + std::chrono::seconds(10);
  const auto get_users = client::Method::named("users.getUsers");
  AccountLease busy[2] = {run(io, a.pool.lease({get_users, far, {}, 0})), run(io, a.pool.lease({get_users, far, {}, 1}))};
  Replica b(*client, io, "b");
  run(io, b.leases.round());
  run(io, a.leases.round());  // a drains one account: no new requests, its lease kept while the request runs
  ASSERT_EQ(a.leases.held(), 2u);
  const std::size_t given = a.pool.status(0).available ? 1 : 0;
  const std::string which = std::to_string(given);
  EXPECT_FALSE(a.accounts.saw("save " + which));
  EXPECT_TRUE(a.leases.holds(given));  // a session change while draining is still saved: the lease is held
  bool lease_held_at_save = false;
  a.accounts.on_save = [&](std::size_t) { lease_held_at_save = a.leases.holds(given); };
  busy[given].release();
  run(io, a.leases.round());
  EXPECT_EQ(a.leases.held(), 1u);
  EXPECT_TRUE(lease_held_at_save);
  EXPECT_LT(a.accounts.index_of("save " + which), a.accounts.index_of("stop " + which));
  run(io, b.leases.round());
  ASSERT_TRUE(b.leases.holds(given));
  EXPECT_GT(b.accounts.tokens.at(given), a.accounts.tokens.at(given));
}

TEST_F(ReplicaLeasesTest, AReleaseAtExitSavesEverySessionBeforeAnyLeaseGoes) {
  Replica r(*client, io, "replica");
  run(io, r.leases.round());
  ASSERT_EQ(r.leases.held(), 2u);
  std::vector<int> releases_at_saves;
  r.accounts.on_save = [&](std::size_t) { releases_at_saves.push_back(r.store.releases); };
  run(io, r.leases.release_all(milliseconds(100)));
  EXPECT_EQ(releases_at_saves, (std::vector<int>{0, 0}));
  EXPECT_EQ(r.store.releases, 2);
  EXPECT_EQ(r.leases.held(), 0u);
  EXPECT_LT(r.accounts.index_of("save 0"), r.accounts.index_of("stop 0"));
  EXPECT_LT(r.accounts.index_of("save 1"), r.accounts.index_of("stop 1"));
  const auto holder = run(io, r.store.holder("acc0"));
  EXPECT_FALSE(holder.has_value());
  const auto live = run(io, r.store.live_replicas());
  EXPECT_TRUE(live.empty());
}

TEST_F(ReplicaLeasesTest, AFencedAccountIsDroppedAtOnce) {
  Replica r(*client, io, "replica");
  run(io, r.leases.round());
  r.leases.fenced_out(1, "a newer holder saved the session");
  EXPECT_FALSE(r.leases.holds(1));
  EXPECT_TRUE(r.accounts.saw("stop 1"));
  EXPECT_FALSE(r.pool.status(1).available);
  EXPECT_EQ(r.leases.counters().fenced, 1u);
}

TEST_F(ReplicaLeasesTest, AnAccountThatCannotStartIsLetGoForOthers) {
  Replica r(*client, io, "replica");
  r.accounts.failing_start = {0};
  run(io, r.leases.round());
  EXPECT_FALSE(r.leases.holds(0));
  EXPECT_TRUE(r.leases.holds(1));
  const auto holder = run(io, r.store.holder("acc0"));
  EXPECT_FALSE(holder.has_value());
  EXPECT_FALSE(r.pool.status(0).available);
}

}  // namespace
}  // namespace mtpipe::scale::redis
