#include "async/wakeup.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

#include "async/cancelled.h"

namespace mtpipe::async {
namespace asio = boost::asio;

asio::awaitable<Wakeup::End> Wakeup::wait(SteadyClock::time_point deadline, const char* doing) {
  if (!woken_) {
    timer_.expires_at(deadline);
    boost::system::error_code ec;  // operation_aborted both when woken and when cancelled: the flag tells
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!woken_ && ec) throw Cancelled(std::string("cancelled while ") + doing);
    if (!woken_) co_return End::expired;
  }
  woken_ = false;
  co_return End::woken;
}

void Wakeup::wake() noexcept {
  woken_ = true;
  timer_.cancel();
}

}  // namespace mtpipe::async
