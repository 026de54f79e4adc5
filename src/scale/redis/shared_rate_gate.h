#pragma once
// The rate limits of a replica set: the global bucket (MTPROTO_GLOBAL_RPS) and each account's bucket
// (MTPROTO_RPS_PER_ACCOUNT) live in Redis, so every replica together keeps to them; the method class buckets and
// their adaptation stay local (an account is driven by one replica at a time, so its class buckets have one home).
// When Redis cannot be reached the gate falls back to local buckets with the global rate divided among the replicas
// last seen, says so once in the log, and tries Redis again only after a back-off that grows while the outage
// lasts (100 ms doubling to 5 s), so an outage does not cost every request a connection attempt. The local
// buckets are changed in place when the number of replicas changes: a caller waiting in them keeps its place.

#include <optional>
#include <string>

#include "scale/rate_admission.h"
#include "scale/rate_gate.h"
#include "scale/redis/shared_rate_limiter.h"

namespace mtpipe::scale::redis {

class SharedRateGate : public RateAdmission {
 public:
  // `limits` as for RateGate; `replicas` is how many share the global rate when Redis is gone (update it with
  // set_replicas as the registry changes).
  SharedRateGate(SharedRateLimiter& shared, RateLimits limits, RateGateOptions options, std::size_t replicas = 1);

  boost::asio::awaitable<void> acquire(std::string account, std::string method, Clock::time_point deadline) override;
  void on_flood_wait(const std::string& account, const std::string& method) override;
  void set_replicas(std::size_t replicas);

  struct Counters {
    std::uint64_t shared_grants = 0, shared_waits = 0, fallbacks = 0;
    std::uint64_t redis_attempts = 0;  // admissions asked of Redis (none while a back-off runs)
  };
  const Counters& counters() const noexcept { return counters_; }

 private:
  // Whether to ask Redis now: always while it answers, after the back-off once it has failed.
  bool try_redis(Clock::time_point now) const { return !retry_redis_at_ || now >= *retry_redis_at_; }
  void redis_failed(const std::string& why, Clock::time_point asked_at, Clock::time_point now);
  void redis_answered();

  SharedRateLimiter& shared_;
  RateLimits limits_;
  RateGateOptions options_;
  RateGate classes_;   // the class buckets only
  RateGate fallback_;  // the global and account buckets while Redis is away
  std::size_t replicas_;
  std::optional<Clock::time_point> retry_redis_at_;  // set while Redis is away
  int failures_ = 0;                                 // in a row
  Counters counters_;
};

}  // namespace mtpipe::scale::redis
