#include "client/backoff.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "mtproto/byte_order.h"

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

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures, crypto::Rng& rng) {
  std::array<std::uint8_t, 4> draw{};
  rng.fill(draw);
  return backoff_delay(policy, failures, static_cast<double>(mtproto::load_le<std::uint32_t>(draw.data())) / 4294967296.0);
}

}  // namespace mtpipe::client
