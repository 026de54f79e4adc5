#include "client/call/resend.h"

#include "client/client.h"

namespace mtpipe::client {

boost::asio::awaitable<Outcome> Resend::send(Call& call) {
  for (;;) {
    auto outcome = co_await next_.send(call);
    if (!std::holds_alternative<mtproto::CallError>(outcome) || !call.resend_after_reconnect ||
        ++call.failures > retry_max_)
      co_return outcome;
    ++stats_.resent_after_reconnect;
  }
}

}  // namespace mtpipe::client
