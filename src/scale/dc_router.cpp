#include "scale/dc_router.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mtpipe::scale {
namespace {

using WallClock = std::chrono::system_clock;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

bool is_share(double x) noexcept { return x >= 0.0 && x <= 1.0; }

void require_dc(std::int32_t dc) { require(dc > 0, "a DC id must be positive, got " + std::to_string(dc)); }

}  // namespace

StatsRoute stats_route_of(std::string_view method) noexcept {
  static constexpr std::string_view kByChannel[] = {"stats.getBroadcastStats", "stats.getMegagroupStats",
                                                    "stats.getMessageStats", "stats.getMessagePublicForwards",
                                                    "stats.getStoryStats"};
  if (std::find(std::begin(kByChannel), std::end(kByChannel), method) != std::end(kByChannel))
    return StatsRoute::channel_dc;
  if (method == "stats.loadAsyncGraph") return StatsRoute::token_dc;
  return StatsRoute::none;
}

std::string_view to_string(RouteSource source) noexcept {
  switch (source) {
    case RouteSource::full_channel: return "full_channel";
    case RouteSource::migrate: return "migrate";
    case RouteSource::answered: return "answered";
  }
  return "full_channel";
}

std::optional<RouteSource> route_source_named(std::string_view name) noexcept {
  for (const auto s : {RouteSource::full_channel, RouteSource::migrate, RouteSource::answered})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

DcRouter::DcRouter(DcRouterOptions options) : options_(options) {
  require(is_share(options_.min_confidence), "DcRouterOptions::min_confidence must be within 0..1");
  require(is_share(options_.full_channel_confidence), "DcRouterOptions::full_channel_confidence must be within 0..1");
  require(is_share(options_.server_confidence), "DcRouterOptions::server_confidence must be within 0..1");
  require(is_share(options_.success_gain), "DcRouterOptions::success_gain must be within 0..1");
  require(is_share(options_.failure_keep), "DcRouterOptions::failure_keep must be within 0..1");
  require(options_.half_life > Clock::duration::zero(), "DcRouterOptions::half_life must be positive");
}

// Halves once per half-life. A negative age (a clock that went back) does not raise the confidence.
double DcRouter::decayed(double confidence, Clock::duration age) const noexcept {
  if (age <= Clock::duration::zero()) return confidence;
  const double half_lives = std::chrono::duration<double>(age) / std::chrono::duration<double>(options_.half_life);
  return confidence * std::exp2(-half_lives);
}

std::optional<std::int32_t> DcRouter::route(std::int64_t channel_id, Clock::time_point now) {
  const auto it = routes_.find(channel_id);
  if (it == routes_.end() || confidence_now(it->second, now) < options_.min_confidence) {
    ++counters_.misses;
    return std::nullopt;
  }
  ++counters_.hits;
  return it->second.dc;
}

void DcRouter::replace(std::int64_t channel_id, std::int32_t dc, double confidence, Source source,
                       Clock::time_point now) {
  routes_[channel_id] = Route{dc, confidence, now, source, 0, 0};
  dirty_.insert(channel_id);
  ++counters_.learned;
}

void DcRouter::learned(std::int64_t channel_id, std::int32_t dc, Source source, Clock::time_point now) {
  require_dc(dc);
  const double fresh = source == Source::full_channel ? options_.full_channel_confidence : options_.server_confidence;
  const auto it = routes_.find(channel_id);
  if (it == routes_.end() || it->second.dc != dc) {
    if (it != routes_.end() && source == Source::migrate) ++counters_.corrected;
    replace(channel_id, dc, fresh, source, now);
    return;
  }
  // The same DC again: the mapping is as good as new, never worse than it was.
  Route& r = it->second;
  r.confidence = std::max(confidence_now(r, now), fresh);
  r.as_of = now;
  r.source = source;
  dirty_.insert(channel_id);
}

void DcRouter::succeeded(std::int64_t channel_id, std::int32_t dc, Clock::time_point now) {
  require_dc(dc);
  const auto it = routes_.find(channel_id);
  if (it == routes_.end() || it->second.dc != dc) {
    // The server served the channel's statistics on `dc`: that is its DC, whatever we thought.
    replace(channel_id, dc, options_.server_confidence, Source::answered, now);
    return;
  }
  Route& r = it->second;
  const double c = confidence_now(r, now);
  if (c >= options_.min_confidence) ++counters_.migrations_avoided;
  r.confidence = c + (1.0 - c) * options_.success_gain;
  r.as_of = now;
  ++r.successes;
  dirty_.insert(channel_id);
}

void DcRouter::failed(std::int64_t channel_id, std::int32_t dc, Clock::time_point now) {
  const auto it = routes_.find(channel_id);
  if (it == routes_.end() || it->second.dc != dc) return;  // not what the cache says: nothing to doubt
  Route& r = it->second;
  r.confidence = confidence_now(r, now) * options_.failure_keep;
  r.as_of = now;
  ++r.failures;
  dirty_.insert(channel_id);
}

std::optional<RouteStatus> DcRouter::status(std::int64_t channel_id, Clock::time_point now) const {
  const auto it = routes_.find(channel_id);
  if (it == routes_.end()) return std::nullopt;
  const Route& r = it->second;
  return RouteStatus{r.dc, confidence_now(r, now), r.source, r.successes, r.failures};
}

RouteRecord DcRouter::record(std::int64_t channel_id, const Route& r, Clock::time_point now,
                             WallClock::time_point wall_now) const {
  return RouteRecord{channel_id, r.dc, confidence_now(r, now), r.source, r.successes, r.failures, wall_now};
}

std::vector<RouteRecord> DcRouter::changes(Clock::time_point now, WallClock::time_point wall_now) const {
  std::vector<RouteRecord> out;
  out.reserve(dirty_.size());
  for (const auto id : dirty_) out.push_back(record(id, routes_.at(id), now, wall_now));
  return out;
}

std::vector<RouteRecord> DcRouter::records(Clock::time_point now, WallClock::time_point wall_now) const {
  std::vector<RouteRecord> out;
  out.reserve(routes_.size());
  for (const auto& [id, r] : routes_) out.push_back(record(id, r, now, wall_now));
  return out;
}

void DcRouter::restore(const std::vector<RouteRecord>& saved, Clock::time_point now, WallClock::time_point wall_now) {
  for (const auto& s : saved) {
    require_dc(s.dc);
    require(is_share(s.confidence), "a saved route's confidence must be within 0..1, channel " + std::to_string(s.channel_id));
    // Aged here rather than by moving as_of into the past: a steady clock's past may not reach that far back.
    const auto age = std::chrono::duration_cast<Clock::duration>(wall_now - s.as_of);
    routes_[s.channel_id] = Route{s.dc, decayed(s.confidence, age), now, s.source, s.successes, s.failures};
  }
}

}  // namespace mtpipe::scale
