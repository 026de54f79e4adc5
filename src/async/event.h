#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <vector>

#include "async/wakeup.h"

namespace mtpipe::async {

// Wakes every coroutine waiting on it when something they share changed (a connection came up or failed, a lease
// came back, a task ended). Not a latch: a notify wakes those waiting at that moment, and a wait that begins after
// it waits for the next one. Each waiter has its own deadline. Not thread-safe: everything runs on one executor.
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  // Coroutines still waiting are woken and throw Cancelled: what they waited for will never happen.
  ~Event();

  // Until the next notify_all(). Throws Cancelled when the waiting coroutine is cancelled.
  boost::asio::awaitable<void> wait();
  // True when notified, false when `deadline` came first. Throws Cancelled as wait() does.
  boost::asio::awaitable<bool> wait_until(SteadyClock::time_point deadline);
  // Until `done()` holds, asked now and after every notify; false when `deadline` came first and done() does not
  // hold then either. The waiting condition of a loop that would otherwise poll. `done` is a template, not a
  // std::function: g++ 12 may destroy a temporary inside a co_await expression twice, which a lambda capturing
  // only references survives (nothing to destroy) and a std::function does not.
  template <class Done>
  boost::asio::awaitable<bool> wait_until(SteadyClock::time_point deadline, Done done) {
    while (!done()) {
      const bool notified = co_await wait_until(deadline);  // not inside the if: g++ 12 miscompiles that
      if (!notified) co_return done();
    }
    co_return true;
  }
  void notify_all() noexcept;
  std::size_t waiting() const noexcept { return waiters_.size(); }

 private:
  struct Waiter;
  std::vector<Waiter*> waiters_;
};

}  // namespace mtpipe::async
