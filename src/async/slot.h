#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "async/cancelled.h"
#include "async/wakeup.h"

namespace mtpipe::async {

// Resumes one waiting coroutine with a value or an error (a call's answer, a command's reply). The first outcome
// is the one: a later one is dropped (an answer after its deadline passed), so whoever delivers need not know
// whether the waiter is still there. The outcome may come before the wait begins. One wait per slot; not
// thread-safe: everything runs on one executor.
template <class T>
class Slot {
 public:
  Slot() = default;
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  // A coroutine still waiting is woken and throws Cancelled: nothing will come.
  ~Slot() {
    if (!waiter_) return;
    waiter_->slot = nullptr;
    waiter_->wakeup.wake();
  }

  bool ready() const noexcept { return value_.has_value() || error_ != nullptr; }
  void set_value(T value) {
    if (ready()) return;
    value_.emplace(std::move(value));
    wake();
  }
  void set_error(std::exception_ptr error) {
    if (ready()) return;
    error_ = std::move(error);
    wake();
  }

  // The value, or the error rethrown. Throws Cancelled("cancelled while " + doing) when the waiting coroutine is
  // cancelled first, and Cancelled when the slot is destroyed while it waits.
  boost::asio::awaitable<T> wait(const char* doing) {
    auto outcome = co_await wait_until(SteadyClock::time_point::max(), doing);
    co_return std::move(*outcome);
  }
  // The same, or nullopt when `deadline` comes first.
  boost::asio::awaitable<std::optional<T>> wait_until(SteadyClock::time_point deadline, const char* doing) {
    if (!ready()) {
      Waiter waiter(*this, co_await boost::asio::this_coro::executor);
      co_await waiter.wakeup.wait(deadline, doing);
      if (!waiter.slot) throw Cancelled(std::string("the slot waited for was destroyed while ") + doing);
      if (!ready()) co_return std::nullopt;
    }
    if (error_) std::rethrow_exception(error_);
    co_return std::move(value_);
  }

 private:
  // The coroutine waiting; lives in its wait_until() frame.
  struct Waiter {
    Waiter(Slot& s, const boost::asio::any_io_executor& executor) : slot(&s), wakeup(executor) { slot->waiter_ = this; }
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    ~Waiter() {
      if (slot) slot->waiter_ = nullptr;
    }
    Slot* slot;  // null once the slot is gone
    Wakeup wakeup;
  };
  void wake() noexcept {
    if (waiter_) waiter_->wakeup.wake();
  }

  std::optional<T> value_;
  std::exception_ptr error_;
  Waiter* waiter_ = nullptr;
};

}  // namespace mtpipe::async
