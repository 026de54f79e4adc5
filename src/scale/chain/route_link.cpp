#include "scale/chain/route_link.h"

#include "client/rpc_error.h"
#include "scale/stats_dc_answer.h"

namespace mtpipe::scale {

boost::asio::awaitable<client::Answer> RouteLink::invoke(client::Request& request) {
  const auto asked = request.dc;
  const auto routed = route(request);
  request.dc = routed;
  // The link above may try again on another account: it gets the request back as it handed it down.
  struct Restore {
    client::Request& request;
    std::optional<std::int32_t> dc;
    ~Restore() { request.dc = dc; }
  } restore{request, asked};
  try {
    auto answer = co_await next_.invoke(request);
    learn(request, routed, answer);
    co_return answer;
  } catch (const client::RpcError& e) {
    if (routed && request.channel_id && !e.is_migrate()) router_.failed(*request.channel_id, *routed, Clock::now());
    throw;
  }
}

std::optional<std::int32_t> RouteLink::route(const client::Request& request) {
  if (request.dc) return request.dc;
  if (!request.channel_id || stats_route_of(request.method.name()) != StatsRoute::channel_dc) return std::nullopt;
  const auto dc = router_.route(*request.channel_id, Clock::now());
  if (dc) ++routed_by_cache_;
  return dc;
}

void RouteLink::learn(const client::Request& request, std::optional<std::int32_t> routed,
                      std::span<const std::uint8_t> answer) {
  const auto now = Clock::now();
  const std::string_view method = request.method.name();
  if (method == "channels.getFullChannel") {
    if (const auto fact = stats_dc_of_answer(answer))
      router_.learned(fact->channel_id, fact->stats_dc, RouteSource::full_channel, now);
    return;
  }
  if (!request.channel_id || stats_route_of(method) != StatsRoute::channel_dc) return;
  const auto& trace = request.trace;
  if (trace.request_migrations > 0)
    router_.learned(*request.channel_id, trace.dc, RouteSource::migrate, now);
  else if (routed)
    router_.succeeded(*request.channel_id, *routed, now);
  else
    router_.learned(*request.channel_id, trace.dc, RouteSource::answered, now);
}

}  // namespace mtpipe::scale
