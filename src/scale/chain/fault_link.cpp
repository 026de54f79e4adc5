#include "scale/chain/fault_link.h"

namespace mtpipe::scale {

boost::asio::awaitable<client::Answer> FaultLink::invoke(client::Request& request) {
  auto fault = faults_.decide(request.method.name());
  if (fault.kind != FaultKind::none) co_await FaultInjector::apply(std::move(fault));
  co_return co_await next_.invoke(request);
}

}  // namespace mtpipe::scale
