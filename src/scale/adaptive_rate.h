#pragma once

#include <cstdint>

#include "scale/token_bucket.h"

namespace mtpipe::scale {

// The share of a limit an account may use, learnt from the server: each FLOOD_WAIT cuts it multiplicatively, and
// it climbs back linearly with time (multiplicative decrease, slow additive recovery), so a pool settles under
// the server's real limit instead of hitting it again.
struct AdaptivePolicy {
  double cut = 0.5;                    // the factor is multiplied by this on each flood wait
  double floor = 0.05;                 // never below this share
  double recovery_per_s = 1.0 / 600;   // from 0 back to the full rate in ten minutes
};

class AdaptiveFactor {
 public:
  explicit AdaptiveFactor(AdaptivePolicy policy = {}) : policy_(policy) {}
  double value(Clock::time_point now) const noexcept;
  void on_flood_wait(Clock::time_point now) noexcept;
  std::uint64_t cuts() const noexcept { return cuts_; }

 private:
  AdaptivePolicy policy_;
  double at_cut_ = 1.0;  // the factor right after the last cut
  Clock::time_point cut_at_{};
  std::uint64_t cuts_ = 0;
};

}  // namespace mtpipe::scale
