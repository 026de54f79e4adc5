// Proxy bans shared by two replicas' proxy pools through a real redis-server: a ban one replica makes moves the
// other's accounts off the proxy without a single failure of their own; a passed health check lifts it for all.
#include "scale/redis/proxy_ban_sync.h"

#include <gtest/gtest.h>

#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using ProxyBanSyncTest = RedisFixture;

const net::DialError dead(net::DialError::Kind::refused, "connecting to the proxy: refused");

std::vector<net::ProxyUrl> two_proxies() {
  return {net::parse_proxy_url("socks5://user:secret@10.0.0.1:1080"),
          net::parse_proxy_url("socks5://user:secret@10.0.0.2:1080")};
}

TEST_F(ProxyBanSyncTest, ABanOneReplicaMakesMovesTheOthersAccountsAndAPassedCheckLiftsItForAll) {
  RedisClient other_client = make_client();
  SharedProxyHealth shared_a(*client, "test:"), shared_b(other_client, "test:");
  ProxyPool pool_a(two_proxies(), {}), pool_b(two_proxies(), {});
  ProxyBanSync sync_a(shared_a, pool_a), sync_b(shared_b, pool_b);
  const auto now = Clock::now();
  const std::size_t used_by_b = *pool_b.pick("bob", now);

  // Replica A finds that proxy dead and bans it; B has seen no failure through it.
  for (int i = 0; i < ProxyPoolOptions{}.fail_score_limit; ++i) pool_a.on_failure(used_by_b, dead, now);
  ASSERT_FALSE(pool_a.status(used_by_b).usable);
  run(io, sync_a.round());
  run(io, sync_b.round());
  EXPECT_EQ(sync_a.counters().published, 1u);
  EXPECT_EQ(sync_b.counters().adopted, 1u);
  EXPECT_FALSE(pool_b.status(used_by_b).usable);
  EXPECT_EQ(pool_b.status(used_by_b).failures, 0u);
  EXPECT_EQ(pool_b.pick("bob", now), 1 - used_by_b);  // moved without a failure of its own

  // Nothing more to say: an adopted ban is not published back, a published one not again.
  run(io, sync_b.round());
  run(io, sync_a.round());
  EXPECT_EQ(sync_a.counters().published + sync_b.counters().published, 1u);

  // Redis holds the proxy's identity without its credentials.
  const auto bans = run(io, shared_b.banned());
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans.begin()->first, pool_a.status(used_by_b).id);
  EXPECT_EQ(bans.begin()->first.find("secret"), std::string::npos);

  // A's health check passes once the ban runs out: the shared ban is lifted.
  pool_a.on_check(used_by_b, true, now + std::chrono::hours(1));
  run(io, sync_a.round());
  EXPECT_EQ(sync_a.counters().cleared, 1u);
  EXPECT_TRUE(run(io, shared_b.banned()).empty());
}

// Two proxies on one host and port with other passwords (two accounts of one proxy service) look the same
// redacted, but are two proxies: one's ban is not the other's, on this replica or another, and what Redis holds
// shows neither password.
TEST_F(ProxyBanSyncTest, ProxiesThatDifferOnlyInCredentialsAreBannedApart) {
  const auto same_host = [] {
    return std::vector<net::ProxyUrl>{net::parse_proxy_url("socks5://user:Passw0rdOne@10.0.0.1:1080"),
                                      net::parse_proxy_url("socks5://user:Passw0rdTwo@10.0.0.1:1080"),
                                      net::parse_proxy_url("mtproxy://dd0123456789abcdef0123456789abcdef@10.0.0.1:443"),
                                      net::parse_proxy_url("mtproxy://dd00112233445566778899aabbccddeeff@10.0.0.1:443")};
  };
  RedisClient other_client = make_client();
  SharedProxyHealth shared_a(*client, "test:"), shared_b(other_client, "test:");
  ProxyPool pool_a(same_host(), {}), pool_b(same_host(), {});
  ASSERT_EQ(pool_a.status(0).name, pool_a.status(1).name);
  ASSERT_EQ(pool_a.status(2).name, pool_a.status(3).name);
  ProxyBanSync sync_a(shared_a, pool_a), sync_b(shared_b, pool_b);
  const auto now = Clock::now();
  for (const std::size_t banned : {std::size_t{0}, std::size_t{2}})
    for (int i = 0; i < ProxyPoolOptions{}.fail_score_limit; ++i) pool_a.on_failure(banned, dead, now);
  EXPECT_TRUE(pool_a.status(1).usable);
  EXPECT_TRUE(pool_a.status(3).usable);
  run(io, sync_a.round());
  run(io, sync_b.round());
  EXPECT_FALSE(pool_b.status(0).usable);
  EXPECT_TRUE(pool_b.status(1).usable) << "banned for the other password's failures";
  EXPECT_FALSE(pool_b.status(2).usable);
  EXPECT_TRUE(pool_b.status(3).usable) << "banned for the other secret's failures";
  EXPECT_EQ(sync_b.counters().adopted, 2u);
  const auto bans = run(io, shared_b.banned());
  ASSERT_EQ(bans.size(), 2u);
  for (const auto& [key, ban] : bans) {
    for (const char* credential : {"Passw0rd", "user", "0123456789abcdef", "00112233445566778899"})
      EXPECT_EQ(key.find(credential), std::string::npos) << key;
    EXPECT_EQ(key.find("10.0.0.1:"), key.find("://") + 3) << key;  // still says which host it is
  }
}

TEST_F(ProxyBanSyncTest, WithoutRedisThePoolKeepsItsOwnBans) {
  RedisOptions options;
  options.connect_timeout = std::chrono::milliseconds(200);
  RedisClient unreachable(io.get_executor(), parse_redis_url("redis://127.0.0.1:1"), options);
  SharedProxyHealth shared(unreachable, "test:");
  ProxyPool pool(two_proxies(), {});
  ProxyBanSync sync(shared, pool);
  for (int i = 0; i < ProxyPoolOptions{}.fail_score_limit; ++i) pool.on_failure(0, dead, Clock::now());
  EXPECT_THROW(run(io, sync.round()), RedisError);
  EXPECT_FALSE(pool.status(0).usable);
  EXPECT_TRUE(pool.status(1).usable);
}

}  // namespace
}  // namespace mtpipe::scale::redis
