#include "client/call/reauthorization.h"

namespace mtpipe::client {

boost::asio::awaitable<Outcome> Reauthorization::send(Call& call) {
  for (;;) {
    auto outcome = co_await next_.send(call);
    const auto* rpc = std::get_if<RpcError>(&outcome);
    const std::int32_t dc = call.sent_to;
    if (rpc == nullptr || rpc->kind() != RpcErrorKind::auth_key_unregistered || dc == account_.home_dc() ||
        !account_.logged_in() || !account_.authorized_on(dc) || call.failures++ >= retry_max_)
      co_return outcome;
    account_.forget_authorization(dc);
  }
}

}  // namespace mtpipe::client
