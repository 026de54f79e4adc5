#include "async/event.h"

#include <algorithm>
#include <boost/asio/this_coro.hpp>

#include "async/cancelled.h"

namespace mtpipe::async {
namespace asio = boost::asio;

// One coroutine waiting; lives in its wait_until() frame and leaves the list however that frame ends.
struct Event::Waiter {
  Waiter(Event& e, const asio::any_io_executor& executor) : event(&e), wakeup(executor) {
    event->waiters_.push_back(this);
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter() {
    if (event && !notified) event->waiters_.erase(std::find(event->waiters_.begin(), event->waiters_.end(), this));
  }
  Event* event;  // null once the event is gone
  Wakeup wakeup;
  bool notified = false;  // and off the list
};

Event::~Event() {
  for (Waiter* w : waiters_) {
    w->event = nullptr;
    w->wakeup.wake();
  }
}

asio::awaitable<void> Event::wait() { co_await wait_until(SteadyClock::time_point::max()); }

asio::awaitable<bool> Event::wait_until(SteadyClock::time_point deadline) {
  Waiter waiter(*this, co_await asio::this_coro::executor);
  co_await waiter.wakeup.wait(deadline, "waiting");
  if (!waiter.event) throw Cancelled("the event waited for was destroyed");
  co_return waiter.notified;
}

void Event::notify_all() noexcept {
  for (Waiter* w : waiters_) {
    w->notified = true;
    w->wakeup.wake();
  }
  waiters_.clear();
}

}  // namespace mtpipe::async
