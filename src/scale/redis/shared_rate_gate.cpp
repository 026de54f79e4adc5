#include "scale/redis/shared_rate_gate.h"

#include <algorithm>

#include "async/sleep.h"
#include "obs/log.h"
#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

RateLimits classes_only(RateLimits limits) {
  limits.global_rps = 0;
  limits.account_rps = 0;
  return limits;
}

double global_share(const RateLimits& limits, std::size_t replicas) {
  return limits.global_rps / static_cast<double>(std::max<std::size_t>(replicas, 1));
}

RateLimits shared_only(RateLimits limits, std::size_t replicas) {
  limits.global_rps = global_share(limits, replicas);
  limits.per_class = false;
  return limits;
}

milliseconds redis_backoff(int failures) { return std::min(milliseconds(100 << std::min(failures - 1, 6)), milliseconds(5000)); }

}  // namespace

SharedRateGate::SharedRateGate(SharedRateLimiter& shared, RateLimits limits, RateGateOptions options,
                               std::size_t replicas)
    : shared_(shared),
      limits_(limits),
      options_(options),
      classes_(classes_only(limits), options),
      fallback_(shared_only(limits, replicas), options),
      replicas_(replicas) {}

void SharedRateGate::set_replicas(std::size_t replicas) {
  if (replicas == replicas_) return;
  replicas_ = replicas;
  fallback_.set_global_rate(global_share(limits_, replicas));
}

void SharedRateGate::redis_failed(const std::string& why, Clock::time_point asked_at, Clock::time_point now) {
  if (!retry_redis_at_)
    obs::log(obs::Level::warn, "rate", "Redis unreachable, limiting locally with the global rate divided among " +
                                           std::to_string(replicas_) + " replica(s): " + why);
  // Requests that asked Redis together fail together: the back-off grows once per attempt after the last one.
  if (retry_redis_at_ && asked_at < *retry_redis_at_) return;
  ++failures_;
  retry_redis_at_ = now + redis_backoff(failures_);
}

void SharedRateGate::redis_answered() {
  if (retry_redis_at_) obs::log(obs::Level::info, "rate", "Redis is back: the shared limits apply again");
  retry_redis_at_.reset();
  failures_ = 0;
}

asio::awaitable<void> SharedRateGate::acquire(std::string account, std::string method, Clock::time_point deadline) {
  co_await classes_.acquire(account, method, deadline);
  for (;;) {
    std::optional<SharedAdmission> admission;
    if (const auto asked_at = options_.now(); try_redis(asked_at)) {
      ++counters_.redis_attempts;
      std::vector<BucketSpec> buckets{{"global", limits_.global_rps, limits_.global_burst},
                                      {"account:" + account, limits_.account_rps, limits_.account_burst}};
      try {
        admission = co_await shared_.admit(std::move(buckets));
      } catch (const RedisError& e) {
        redis_failed(e.what(), asked_at, options_.now());
      }
    }
    if (!admission) {
      ++counters_.fallbacks;
      co_await fallback_.acquire(std::move(account), std::move(method), deadline);
      co_return;
    }
    redis_answered();
    if (admission->granted) {
      ++counters_.shared_grants;
      co_return;
    }
    const Limit limit = admission->limited_index == 0u ? Limit::global : Limit::account;
    const auto wait = std::chrono::duration_cast<Clock::duration>(admission->wait);
    if (Clock::now() + wait > deadline)
      throw RateDeadlineExceeded(limit, wait, method + ": the shared " + std::string(to_string(limit)) +
                                                  " limit has no token before the request's deadline");
    ++counters_.shared_waits;
    co_await async::sleep_for(wait);
  }
}

void SharedRateGate::on_flood_wait(const std::string& account, const std::string& method) {
  classes_.on_flood_wait(account, method);
}

}  // namespace mtpipe::scale::redis
