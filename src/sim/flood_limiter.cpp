#include "sim/flood_limiter.h"

#include <algorithm>

namespace mtpipe::sim {
namespace {

std::int32_t seconds_until(std::int64_t until_ms, std::int64_t now_ms) {
  return static_cast<std::int32_t>(std::max<std::int64_t>((until_ms - now_ms + 999) / 1000, 1));
}

}  // namespace

std::int32_t FloodLimiter::check(const FloodSubject& subject, std::string_view method, std::int64_t now_ms) {
  const auto rule = std::find_if(rules_.begin(), rules_.end(), [&](const FloodRule& r) { return r.method == method; });
  if (rule == rules_.end()) return 0;
  auto [it, added] = windows_.try_emplace({subject, std::string(method)});
  Window& w = it->second;
  if (added) {
    w.counter.subject = subject;
    w.counter.method = std::string(method);
  }
  if (now_ms < w.wait_until_ms) {
    ++w.counter.requests_during_wait;
    if (penalty_) {
      const std::int64_t left_ms = w.wait_until_ms - now_ms;
      w.wait_until_ms = now_ms + std::max(left_ms, std::min(2 * left_ms, kMaxPenaltyWaitMs));
    }
    return seconds_until(w.wait_until_ms, now_ms);
  }
  const std::int64_t window_ms = std::int64_t{rule->seconds} * 1000;
  while (!w.calls_ms.empty() && w.calls_ms.front() <= now_ms - window_ms) w.calls_ms.pop_front();
  if (static_cast<std::int64_t>(w.calls_ms.size()) >= rule->count) {
    // The window frees when its oldest call leaves it.
    w.wait_until_ms = w.calls_ms.front() + window_ms;
    ++w.counter.flood_waits;
    return seconds_until(w.wait_until_ms, now_ms);
  }
  w.calls_ms.push_back(now_ms);
  ++w.counter.calls;
  return 0;
}

std::vector<FloodCounter> FloodLimiter::counters() const {
  std::vector<FloodCounter> out;
  for (const auto& [key, w] : windows_) out.push_back(w.counter);
  return out;
}

}  // namespace mtpipe::sim
