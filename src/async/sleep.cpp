#include "async/sleep.h"

#include <boost/asio/this_coro.hpp>

namespace mtpipe::async {
namespace asio = boost::asio;

// A wakeup nobody else knows of: it ends at the deadline or with the coroutine's cancellation.
asio::awaitable<void> sleep_until(SteadyClock::time_point deadline) {
  Wakeup alarm(co_await asio::this_coro::executor);
  co_await alarm.wait(deadline, "sleeping");
}

asio::awaitable<void> sleep_for(SteadyClock::duration duration) {
  co_await sleep_until(SteadyClock::now() + duration);
}

}  // namespace mtpipe::async
