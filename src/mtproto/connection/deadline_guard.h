#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace mtpipe::mtproto {

// Runs `on_expiry` (which closes a socket, cancels a resolver, ...) when the deadline passes before disarm().
// The timer's handler owns the state it reads, so a handler already queued when the guarded work finished in the
// same tick finds the guard disarmed and touches nothing of its (possibly destroyed) caller.
class DeadlineGuard {
 public:
  DeadlineGuard(const boost::asio::any_io_executor& executor, std::chrono::steady_clock::time_point deadline,
                std::function<void()> on_expiry);
  ~DeadlineGuard() { disarm(); }
  DeadlineGuard(const DeadlineGuard&) = delete;
  DeadlineGuard& operator=(const DeadlineGuard&) = delete;

  // Stops the guard; on_expiry (and what it captured) is released and will not run.
  void disarm() noexcept;
  // Whether the deadline passed (and on_expiry ran) before disarm().
  bool expired() const noexcept { return state_->expired; }

 private:
  struct State {
    bool armed = true;
    bool expired = false;
    std::function<void()> on_expiry;
  };
  std::shared_ptr<State> state_;
  boost::asio::steady_timer timer_;
};

}  // namespace mtpipe::mtproto
