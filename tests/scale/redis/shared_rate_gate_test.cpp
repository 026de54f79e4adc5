// The shared rate gate when Redis is away: it limits locally with the global rate divided among the replicas, asks
// Redis again only after a back-off, and changes its local rate in place, so callers waiting in it keep their place.
#include "scale/redis/shared_rate_gate.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <vector>

#include "net/proxy_process.h"
#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using SteadyClock = std::chrono::steady_clock;

RateLimits limits(double global_rps, double global_burst) {
  RateLimits l;
  l.global_rps = global_rps;
  l.global_burst = global_burst;
  l.account_rps = 0;
  l.per_class = false;
  return l;
}

// A Redis nobody listens on: every connection is refused at once.
RedisUrl unreachable() { return parse_redis_url("redis://127.0.0.1:" + std::to_string(testing::free_loopback_port())); }

TEST(SharedRateGateOutage, RedisIsAskedAgainOnlyAfterABackOffNotOnEveryRequest) {
  asio::io_context io;
  RedisClient redis(io.get_executor(), unreachable());
  SharedRateLimiter shared(redis, "test:");
  // The gate's clock stands still: every request comes within the first back-off, however slow the machine.
  const auto frozen = SteadyClock::now();
  RateGateOptions options;
  options.now = [frozen] { return frozen; };
  SharedRateGate gate(shared, limits(0, 1), options);  // no global limit: every fallback grant is at once
  const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  auto many = [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 50; ++i) co_await gate.acquire("acc", "users.getUsers", deadline);
  };
  run(io, many());
  EXPECT_EQ(gate.counters().fallbacks, 50u);
  // The first request found Redis away; the 49 after it, all within the back-off, went straight to the local limit.
  EXPECT_EQ(gate.counters().redis_attempts, 1u);
  EXPECT_EQ(redis.stats().connects, 0u);
}

TEST(SharedRateGateOutage, ANewReplicaCountChangesTheLocalRateUnderTheCallersWaitingInIt) {
  asio::io_context io;
  RedisClient redis(io.get_executor(), unreachable());
  SharedRateLimiter shared(redis, "test:");
  // 20 requests/s shared by 1 replica, a burst of 1: three callers at once, the last two wait in the local gate.
  SharedRateGate gate(shared, limits(20, 1), {}, 1);
  const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  std::vector<std::future<void>> callers;
  for (int i = 0; i < 3; ++i)
    callers.push_back(asio::co_spawn(io, gate.acquire("acc", "users.getUsers", deadline), asio::use_future));
  const auto ended = [&] {
    int n = 0;
    for (auto& c : callers) n += c.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    return n;
  };
  run_until(io, [&] { return ended() >= 1; });
  gate.set_replicas(2);  // the gate the waiters sleep in must survive this
  run_until(io, [&] { return ended() == 3; });
  for (auto& c : callers) EXPECT_NO_THROW(c.get());
  EXPECT_EQ(gate.counters().fallbacks, 3u);
}

}  // namespace
}  // namespace mtpipe::scale::redis
