#include "scale/account_health.h"

#include <algorithm>

namespace mtpipe::scale {

std::string_view to_string(AccountState state) noexcept {
  switch (state) {
    case AccountState::healthy: return "healthy";
    case AccountState::quarantined: return "quarantined";
    case AccountState::retired: return "retired";
  }
  return "unknown";
}

bool AccountHealth::usable(Clock::time_point now) const {
  if (state_ == AccountState::retired) return false;
  return state_ != AccountState::quarantined || probe_due(now);
}

void AccountHealth::succeeded(std::chrono::duration<double> latency) {
  score_ += policy_.score_weight * (1.0 - score_);
  latency_s_ = latency_s_ == 0 ? latency.count() : latency_s_ + policy_.score_weight * (latency.count() - latency_s_);
  failures_in_row_ = 0;
  if (state_ == AccountState::quarantined) {  // the probe passed
    state_ = AccountState::healthy;
    quarantines_ = 0;
    probe_at_.reset();
  }
}

bool AccountHealth::failed(Clock::time_point now) {
  if (state_ == AccountState::retired) return false;
  score_ -= policy_.score_weight * score_;
  ++failures_in_row_;
  // A failed probe quarantines again at once; a healthy account only after quarantine_after in a row.
  if (state_ != AccountState::quarantined && failures_in_row_ < policy_.quarantine_after) return false;
  const auto doubled = policy_.quarantine_initial * (1LL << std::min(quarantines_, 20));
  probe_at_ = now + std::min<std::chrono::seconds>(doubled, policy_.quarantine_max);
  ++quarantines_;
  state_ = AccountState::quarantined;
  return true;
}

void AccountHealth::retire(std::string reason) {
  state_ = AccountState::retired;
  retired_because_ = std::move(reason);
  probe_at_.reset();
}

}  // namespace mtpipe::scale
