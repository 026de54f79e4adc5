#include "client/wake_signal.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "mtproto/connection/call_error.h"

namespace mtpipe::client {
namespace asio = boost::asio;
using mtproto::CallError;

struct WakeSignal::Waiter {
  asio::steady_timer timer;
  bool notified = false;
};

asio::awaitable<bool> WakeSignal::wait(std::chrono::steady_clock::time_point deadline) {
  Waiter waiter{asio::steady_timer(co_await asio::this_coro::executor, deadline)};
  waiters_.push_back(&waiter);
  boost::system::error_code ec;  // operation_aborted both when notified and when cancelled: the flag tells
  co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
  if (waiter.notified) co_return true;
  if (ec) throw CallError(CallError::Kind::cancelled, "cancelled while waiting");
  co_return false;
}

void WakeSignal::notify_all() {
  for (Waiter* w : waiters_) {
    w->notified = true;
    w->timer.cancel();
  }
}

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw CallError(CallError::Kind::cancelled, "cancelled while sleeping");
}

}  // namespace mtpipe::client
