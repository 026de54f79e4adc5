#include "scale/adaptive_rate.h"

#include <algorithm>

namespace mtpipe::scale {

double AdaptiveFactor::value(Clock::time_point now) const noexcept {
  if (cuts_ == 0) return 1.0;
  const double since = std::max(std::chrono::duration<double>(now - cut_at_).count(), 0.0);
  return std::min(1.0, at_cut_ + since * policy_.recovery_per_s);
}

void AdaptiveFactor::on_flood_wait(Clock::time_point now) noexcept {
  at_cut_ = std::max(policy_.floor, value(now) * policy_.cut);
  cut_at_ = now;
  ++cuts_;
}

}  // namespace mtpipe::scale
