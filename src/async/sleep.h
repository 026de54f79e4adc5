#pragma once

#include <boost/asio/awaitable.hpp>

#include "async/wakeup.h"

namespace mtpipe::async {

// Sleeps until `deadline` (for `duration`) on a real timer; a cancelled sleep throws Cancelled.
boost::asio::awaitable<void> sleep_until(SteadyClock::time_point deadline);
boost::asio::awaitable<void> sleep_for(SteadyClock::duration duration);

}  // namespace mtpipe::async
