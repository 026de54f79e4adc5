#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "client/rpc_error.h"

namespace mtpipe::client {

// What one account knows about its flood waits: per method (by constructor id), the moment it may be
// called again. The one record of an account's flood waits: its client never sends a method before the deadline,
// so a wait the server imposed is never provoked twice, and a pool that lends the account reads the same record
// to lend another account for that method meanwhile. Not thread-safe: one account lives on one worker.
class FloodMemory {
 public:
  using Clock = std::chrono::steady_clock;

  // Remembers a wait error for `method`; anything else is ignored. SLOWMODE_WAIT is per chat, not per
  // method, so it is left to the caller.
  void record(std::uint32_t method, const RpcError& error, Clock::time_point now);
  // The account must not send `method` before `until` (a wait learnt elsewhere: an injected one, a pool's report).
  // An earlier deadline never shortens a later one.
  void hold(std::uint32_t method, Clock::time_point until);
  // The deadline of an active wait for `method`, or nothing when it may be sent now.
  std::optional<Clock::time_point> blocked_until(std::uint32_t method, Clock::time_point now) const;
  std::size_t active(Clock::time_point now);

 private:
  std::unordered_map<std::uint32_t, Clock::time_point> until_;
};

// How a caller should react to a wait: sleep through it and retry (short waits), or hand it back with its
// exact deadline (long ones). MTPROTO_SLEEP_THRESHOLD is in seconds (default 1.5).
struct WaitDecision {
  bool sleep = false;
  std::chrono::steady_clock::duration wait{};
};
WaitDecision decide_wait(const RpcError& error, double sleep_threshold_s);

}  // namespace mtpipe::client
