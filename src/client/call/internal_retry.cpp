#include "client/call/internal_retry.h"

#include "client/client.h"

namespace mtpipe::client {

InternalRetry::InternalRetry(CallStep& next, BackoffPolicy backoff, int retry_max, crypto::Rng& rng,
                             ClientStats& stats, Sleep sleep)
    : next_(next), backoff_(backoff), retry_max_(retry_max), rng_(rng), stats_(stats), sleep_(std::move(sleep)) {}

boost::asio::awaitable<Outcome> InternalRetry::send(Call& call) {
  for (;;) {
    auto outcome = co_await next_.send(call);
    const auto* rpc = std::get_if<RpcError>(&outcome);
    if (rpc == nullptr || !rpc->is_internal() || !call.resend_after_reconnect || ++call.failures > retry_max_)
      co_return outcome;
    const auto pause = backoff_delay(backoff_, call.failures, rng_);
    if (std::chrono::steady_clock::now() + pause >= call.deadline) co_return outcome;
    ++stats_.retried_internal;
    co_await sleep_(pause);
  }
}

}  // namespace mtpipe::client
