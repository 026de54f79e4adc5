// Shared proxy bans against a real redis-server: what one replica bans, another sees; bans end by themselves.
#include "scale/redis/shared_proxy_health.h"

#include <gtest/gtest.h>

#include <string>

#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using std::chrono::milliseconds;
using SharedProxyHealthTest = RedisFixture;

TEST_F(SharedProxyHealthTest, BansAreSharedAndEndByThemselves) {
  RedisClient other_client = make_client();
  SharedProxyHealth mine(*client, "test:"), other_replica(other_client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string slow = "socks5://10.0.0.1:1080", dead = "http://10.0.0.2:3128";
    co_await mine.ban(slow, milliseconds(60'000), "3 timeouts");
    co_await mine.ban(dead, milliseconds(50), "refused");
    const auto seen = co_await other_replica.banned();
    EXPECT_EQ(seen.count(slow), 1u);
    if (seen.count(slow)) {
      EXPECT_EQ(seen.at(slow).reason, "3 timeouts");
      EXPECT_GT(seen.at(slow).remaining, milliseconds(0));
      EXPECT_LE(seen.at(slow).remaining, milliseconds(60'000));
    }
    auto dead_unbanned = [&]() -> asio::awaitable<bool> {
      const auto bans = co_await other_replica.banned();
      co_return bans.count(dead) == 0 && bans.count(slow) == 1;
    };
    const bool ended = co_await eventually(dead_unbanned);
    EXPECT_TRUE(ended);
    const RedisReply reasons = co_await client->command("HLEN", "test:proxy-ban-reasons");
    EXPECT_EQ(reasons.as_integer(), 1);  // the ended ban's reason went with it
  };
  run(io, body());
}

TEST_F(SharedProxyHealthTest, AShorterBanDoesNotCutALongerOneAndClearLiftsIt) {
  SharedProxyHealth health(*client, "test:");
  auto body = [&]() -> asio::awaitable<void> {
    const std::string proxy = "socks5://10.0.0.1:1080";
    co_await health.ban(proxy, milliseconds(60'000), "3 timeouts");
    co_await health.ban(proxy, milliseconds(1'000), "1 reset");
    const auto bans = co_await health.banned();
    EXPECT_EQ(bans.size(), 1u);
    if (bans.count(proxy)) {
      EXPECT_GT(bans.at(proxy).remaining, milliseconds(1'000));
      EXPECT_EQ(bans.at(proxy).reason, "3 timeouts");
    }
    co_await health.ban(proxy, milliseconds(120'000), "banned again");
    const auto longer = co_await health.banned();
    EXPECT_TRUE(longer.count(proxy) && longer.at(proxy).reason == "banned again");
    co_await health.clear(proxy);
    const auto none = co_await health.banned();
    EXPECT_TRUE(none.empty());
  };
  run(io, body());
}

}  // namespace
}  // namespace mtpipe::scale::redis
