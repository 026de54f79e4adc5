#include "scale/chain/rate_link.h"

#include "scale/chain/attempt_verdict.h"

namespace mtpipe::scale {

boost::asio::awaitable<client::Answer> RateLink::invoke(client::Request& request) {
  std::string account(request.account_name), method(request.method.name());
  co_await gate_.acquire(account, method, request.deadline);
  try {
    co_return co_await next_.invoke(request);
  } catch (const client::RpcError& e) {
    if (is_account_flood(e) && !e.held_locally()) gate_.on_flood_wait(account, method);
    throw;
  }
}

}  // namespace mtpipe::scale
