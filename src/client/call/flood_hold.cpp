#include "client/call/flood_hold.h"

#include "client/client.h"

namespace mtpipe::client {
using SteadyClock = std::chrono::steady_clock;

FloodHold::FloodHold(CallStep& next, FloodMemory& memory, double sleep_threshold_s, ClientStats& stats, Sleep sleep)
    : next_(next), memory_(memory), sleep_threshold_s_(sleep_threshold_s), stats_(stats), sleep_(std::move(sleep)) {}

boost::asio::awaitable<Outcome> FloodHold::send(Call& call) {
  for (;;) {
    if (const auto until = memory_.blocked_until(call.method.id(), SteadyClock::now())) {
      const auto rest = *until - SteadyClock::now();
      if (rest <= std::chrono::duration<double>(sleep_threshold_s_) && *until < call.deadline) {
        ++stats_.flood_sleeps;
        co_await sleep_(rest);
        continue;
      }
      const auto seconds = std::chrono::ceil<std::chrono::seconds>(rest).count();
      auto held = RpcError::from_server(420, "FLOOD_WAIT_" + std::to_string(seconds));
      held.set_retry_at(*until);
      held.set_held_locally();
      ++stats_.flood_blocked_locally;
      throw held;
    }
    auto outcome = co_await next_.send(call);
    auto* rpc = std::get_if<RpcError>(&outcome);
    if (rpc == nullptr || !rpc->is_wait() || rpc->kind() == RpcErrorKind::slowmode_wait) co_return outcome;
    const auto now = SteadyClock::now();
    memory_.record(call.method.id(), *rpc, now);
    const auto decision = decide_wait(*rpc, sleep_threshold_s_);
    if (decision.sleep && now + decision.wait < call.deadline) {
      ++stats_.flood_sleeps;
      co_await sleep_(decision.wait);
      continue;
    }
    rpc->set_retry_at(now + decision.wait);
    ++stats_.flood_surfaced;
    throw *rpc;
  }
}

}  // namespace mtpipe::client
