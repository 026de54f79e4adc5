#pragma once
// Per-account, per-method flood limits (--flood-limit METHOD=COUNT/SECONDS, --flood-penalty; docs/SIM.md "Flood
// limits"). Not thread-safe: the World calls it under its mutex.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/sim_options.h"

namespace mtpipe::sim {

// Who is limited: an account, or (before login) the auth key itself.
struct FloodSubject {
  std::int64_t user_id = 0;  // non-zero: an account
  std::uint64_t key_id = 0;  // otherwise: the auth key
  auto operator<=>(const FloodSubject&) const = default;
};

struct FloodCounter {
  FloodSubject subject;
  std::string method;
  std::uint64_t calls = 0;                 // calls served
  std::uint64_t flood_waits = 0;           // times a wait started
  std::uint64_t requests_during_wait = 0;  // calls that came while a wait was active (a client that ignores it)
};

class FloodLimiter {
 public:
  // `penalty`: a call during an active wait doubles what is left of it, up to kMaxPenaltyWaitMs (a wait longer
  // than that from the start is never shortened).
  explicit FloodLimiter(std::vector<FloodRule> rules, bool penalty = false)
      : rules_(std::move(rules)), penalty_(penalty) {}

  static constexpr std::int64_t kMaxPenaltyWaitMs = 3'600'000;

  // 0 to serve the call, or the seconds of FLOOD_WAIT_X (at least 1).
  std::int32_t check(const FloodSubject& subject, std::string_view method, std::int64_t now_ms);
  std::vector<FloodCounter> counters() const;

 private:
  struct Window {
    std::deque<std::int64_t> calls_ms;  // within the current window
    std::int64_t wait_until_ms = 0;
    FloodCounter counter;
  };
  std::vector<FloodRule> rules_;
  bool penalty_ = false;
  std::map<std::pair<FloodSubject, std::string>, Window, std::less<>> windows_;
};

}  // namespace mtpipe::sim
