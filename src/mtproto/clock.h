#pragma once

#include <atomic>
#include <cstdint>

namespace mtpipe::mtproto {

// Wall-clock source for msg_id generation and time-window checks. Protocol steps take a Clock& so tests can put
// a peer minutes in the past or future without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t unix_ns() const noexcept = 0;
};

// The real clock (CLOCK_REALTIME).
const Clock& system_clock() noexcept;

// A clock that returns what the test set; thread-safe so a server thread and a client thread may share it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t unix_ns = 0) noexcept : now_(unix_ns) {}
  std::int64_t unix_ns() const noexcept override { return now_.load(); }
  void set(std::int64_t unix_ns) noexcept { now_.store(unix_ns); }
  void advance_ns(std::int64_t delta) noexcept { now_.fetch_add(delta); }

 private:
  std::atomic<std::int64_t> now_;
};

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

}  // namespace mtpipe::mtproto
