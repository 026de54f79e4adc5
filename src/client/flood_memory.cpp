#include "client/flood_memory.h"

namespace mtpipe::client {
namespace {

bool remembered(const RpcError& e) noexcept {
  return e.kind() == RpcErrorKind::flood_wait || e.kind() == RpcErrorKind::flood_premium_wait ||
         e.kind() == RpcErrorKind::flood_test_phone_wait;
}

// FLOOD_WAIT_0 still means "not now": Telethon and mtcute wait a second for it, and so do we.
std::chrono::seconds wait_of(const RpcError& e) { return std::chrono::seconds(std::max<std::int32_t>(e.value().value_or(0), 1)); }

}  // namespace

void FloodMemory::record(std::uint32_t method, const RpcError& error, Clock::time_point now) {
  if (remembered(error) && error.value()) hold(method, now + wait_of(error));
}

void FloodMemory::hold(std::uint32_t method, Clock::time_point until) {
  auto& slot = until_[method];
  if (slot < until) slot = until;
}

std::optional<FloodMemory::Clock::time_point> FloodMemory::blocked_until(std::uint32_t method,
                                                                         Clock::time_point now) const {
  const auto it = until_.find(method);
  if (it == until_.end() || it->second <= now) return std::nullopt;
  return it->second;
}

std::size_t FloodMemory::active(Clock::time_point now) {
  std::erase_if(until_, [&](const auto& entry) { return entry.second <= now; });
  return until_.size();
}

WaitDecision decide_wait(const RpcError& error, double sleep_threshold_s) {
  if (!error.is_wait()) return {};
  const auto wait = wait_of(error);
  return {std::chrono::duration<double>(wait).count() <= sleep_threshold_s, wait};
}

}  // namespace mtpipe::client
