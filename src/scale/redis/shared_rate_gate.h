#pragma once
// The rate limits of a replica set (issue 5 points 2 and 6): the global bucket (MTPROTO_GLOBAL_RPS) and each
// account's bucket (MTPROTO_RPS_PER_ACCOUNT) live in Redis, so every replica together keeps to them; the method
// class buckets and their adaptation stay local (an account is driven by one replica at a time, so its class
// buckets have one home). When Redis cannot be reached the gate falls back to local buckets with the global rate
// divided among the replicas last seen, and says so once in the log.

#include <memory>
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
  };
  const Counters& counters() const noexcept { return counters_; }

 private:
  SharedRateLimiter& shared_;
  RateLimits limits_;
  RateGateOptions options_;
  RateGate classes_;                    // the class buckets only
  std::unique_ptr<RateGate> fallback_;  // global and account buckets while Redis is away
  std::size_t replicas_;
  bool redis_down_ = false;
  Counters counters_;
};

}  // namespace mtpipe::scale::redis
