#include "scale/chain/fault_link.h"

#include <boost/asio/this_coro.hpp>

namespace mtpipe::scale {

boost::asio::awaitable<client::Answer> FaultLink::invoke(client::Request& request) {
  auto fault = faults_.decide(request.method.name());
  if (fault.kind != FaultKind::none) {
    const auto executor = co_await boost::asio::this_coro::executor;
    co_await FaultInjector::apply(std::move(fault), executor);
  }
  co_return co_await next_.invoke(request);
}

}  // namespace mtpipe::scale
