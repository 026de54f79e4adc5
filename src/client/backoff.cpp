#include "client/backoff.h"

#include <algorithm>
#include <cmath>

namespace mtpipe::client {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures, double unit_random) noexcept {
  if (failures <= 0) return std::chrono::milliseconds(0);
  const double cap = static_cast<double>(policy.max.count());
  // pow overflows to inf for large exponents; min() then keeps the cap.
  const double grown = static_cast<double>(policy.initial.count()) * std::pow(std::max(policy.factor, 1.0), failures - 1);
  const double base = std::min(grown, cap);
  const double jitter = 0.5 + std::clamp(unit_random, 0.0, 1.0) / 2;
  return std::chrono::milliseconds(static_cast<long long>(base * jitter));
}

}  // namespace mtpipe::client
