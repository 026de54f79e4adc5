#pragma once

#include "scale/chain/link.h"
#include "scale/dc_router.h"

namespace mtpipe::scale {

// Sends a statistics request for a channel to the DC the router trusts for it (unless the caller named a DC),
// and teaches the router from the outcome: channelFull.stats_dc from channels.getFullChannel answers, the DC a
// STATS_MIGRATE led to, a routed request answered or refused there.
class RouteLink final : public Link {
 public:
  RouteLink(client::Invoker& next, DcRouter& router) : Link(next), router_(router) {}

  boost::asio::awaitable<client::Answer> invoke(client::Request& request) override;
  void count(PipelineCounters& into) const override { into.routed_by_cache += routed_by_cache_; }

 private:
  std::optional<std::int32_t> route(const client::Request& request);
  void learn(const client::Request& request, std::optional<std::int32_t> routed, std::span<const std::uint8_t> answer);

  DcRouter& router_;
  std::uint64_t routed_by_cache_ = 0;
};

}  // namespace mtpipe::scale
