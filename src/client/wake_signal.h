#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <vector>

namespace mtpipe::client {

// Lets coroutines on one executor wait, each with its own deadline, until something they share changes (a
// connection came up or failed, an authorization import finished). Not thread-safe.
class WakeSignal {
 public:
  // Resolves true when notify_all() was called while waiting, false at the deadline. Throws
  // mtproto::CallError(cancelled) when the waiting coroutine is cancelled.
  boost::asio::awaitable<bool> wait(std::chrono::steady_clock::time_point deadline);
  void notify_all();

 private:
  struct Waiter;
  std::vector<Waiter*> waiters_;
};

// Sleeps for `duration`; a cancelled sleep throws mtproto::CallError(cancelled).
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration);

}  // namespace mtpipe::client
