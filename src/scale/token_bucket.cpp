#include "scale/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace mtpipe::scale {

Clock::duration TokenBucket::interval_of(double rate_per_s) noexcept {
  if (rate_per_s <= 0) return Clock::duration::zero();
  return std::chrono::round<Clock::duration>(std::chrono::duration<double>(1.0 / rate_per_s));
}

TokenBucket::TokenBucket(double rate_per_s, double burst, Clock::time_point now)
    : rate_(rate_per_s), burst_(std::max(std::floor(burst), 1.0)), interval_(interval_of(rate_per_s)), arrival_(now) {}

// With a full bucket arrival_ <= now; each grant moves it one interval on; a request may go when
// arrival_ - (burst - 1) intervals <= now.
Clock::duration TokenBucket::wait(Clock::time_point now) const noexcept {
  if (unlimited()) return Clock::duration::zero();
  const Clock::duration tolerance = interval_ * static_cast<Clock::rep>(burst_ - 1);
  return std::max(arrival_ - tolerance - now, Clock::duration::zero());
}

void TokenBucket::take(Clock::time_point now) noexcept {
  if (unlimited()) return;
  arrival_ = std::max(arrival_, now) + interval_;
}

double TokenBucket::tokens(Clock::time_point now) const noexcept {
  if (unlimited()) return burst_;
  const double behind = std::chrono::duration<double>(arrival_ - now) / std::chrono::duration<double>(interval_);
  return std::clamp(burst_ - behind, 0.0, burst_);
}

void TokenBucket::set_rate(double rate_per_s, Clock::time_point now) noexcept {
  if (rate_per_s == rate_) return;
  const double kept = tokens(now);
  rate_ = rate_per_s;
  interval_ = interval_of(rate_per_s);
  if (unlimited()) return;
  arrival_ = now + std::chrono::round<Clock::duration>(interval_ * (burst_ - kept));
}

}  // namespace mtpipe::scale
