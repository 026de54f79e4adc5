#pragma once

#include <chrono>

namespace mtpipe::scale {

using Clock = std::chrono::steady_clock;

// A token bucket of `rate` tokens a second holding at most `burst`, kept as GCRA (the generic cell rate
// algorithm): one "theoretical arrival time" in integer clock ticks instead of a fractional token count, so a
// long run of grants keeps exactly to the rate (no floating-point drift) and the Redis form (issue 5) is the
// same arithmetic. Pure: every call is told the time. A rate of 0 or less means no limit.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, Clock::time_point now);

  bool unlimited() const noexcept { return interval_ <= Clock::duration::zero(); }
  double rate() const noexcept { return rate_; }
  double burst() const noexcept { return burst_; }
  // How long until one token is there (zero when it is).
  Clock::duration wait(Clock::time_point now) const noexcept;
  // Takes one token; call only when wait() said zero.
  void take(Clock::time_point now) noexcept;
  // A new rate from now on; the tokens gathered so far stay.
  void set_rate(double rate_per_s, Clock::time_point now) noexcept;
  // Tokens there now, fractions included.
  double tokens(Clock::time_point now) const noexcept;

 private:
  static Clock::duration interval_of(double rate_per_s) noexcept;
  double rate_, burst_;
  Clock::duration interval_;     // one token's worth of time; zero: unlimited
  Clock::time_point arrival_;    // when the bucket will be full again, less one token per interval before it
};

}  // namespace mtpipe::scale
