#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace mtpipe::async {

using SteadyClock = std::chrono::steady_clock;

// The one way a coroutine is parked until another one resumes it: a timer set to the waiter's deadline (or to
// never) and woken by cancelling it. A timer that never expires is never the earliest one, so a wait without a
// deadline costs no timerfd_settime syscall, which a real deadline per wait did (measurable against a 13 us
// request). Event and Slot build on it; so do waiters that are woken one by one for reasons they keep
// themselves (the account pool's queue, the rate gate's). One waiter at a time; not thread-safe: wake() runs on
// the waiter's executor.
class Wakeup {
 public:
  enum class End { woken, expired };

  explicit Wakeup(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  // Parks until wake() or `deadline`. A wake() that came while nobody waited is kept for the next wait, and a
  // wake() wins over a deadline that passed in the same turn. Throws Cancelled("cancelled while " + doing) when
  // the waiting coroutine is cancelled first.
  boost::asio::awaitable<End> wait(SteadyClock::time_point deadline, const char* doing);
  boost::asio::awaitable<End> wait(const char* doing) { return wait(SteadyClock::time_point::max(), doing); }
  void wake() noexcept;

 private:
  boost::asio::steady_timer timer_;
  bool woken_ = false;
};

}  // namespace mtpipe::async
