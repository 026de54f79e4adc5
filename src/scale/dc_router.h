#pragma once
// The DC router (issue 5 point 4): which DC serves each channel's statistics. stats.getBroadcastStats and its
// siblings must go to the channel's stats_dc, or the server answers 303 STATS_MIGRATE_X and the request is sent
// twice. The router remembers the DC learned from channelFull.stats_dc or from a STATS_MIGRATE, and trusts a
// mapping as much as its history says: successes raise the confidence, failures lower it, and it halves every
// half-life, so a mapping nobody used for weeks is learned again instead of trusted blindly.
// Pure and single-threaded: the caller gives the time and reports outcomes.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "scale/token_bucket.h"

namespace mtpipe::scale {

// Where a method is sent, as far as statistics go.
enum class StatsRoute : std::uint8_t {
  none,        // not a statistics method: the account's home DC
  channel_dc,  // the channel's stats_dc (getBroadcastStats, getMegagroupStats, getMessageStats,
               // getMessagePublicForwards, getStoryStats)
  token_dc,    // stats.loadAsyncGraph: the DC that answered the request that produced the token
};
StatsRoute stats_route_of(std::string_view method) noexcept;

// How the router came to know a mapping.
enum class RouteSource : std::uint8_t {
  full_channel,  // channelFull.stats_dc
  migrate,       // a STATS_MIGRATE_X answer
  answered,      // a statistics request answered on that DC without a migrate
};
std::string_view to_string(RouteSource source) noexcept;
std::optional<RouteSource> route_source_named(std::string_view name) noexcept;

struct DcRouterOptions {
  double min_confidence = 0.5;                         // route() answers only at or above this
  Clock::duration half_life = std::chrono::hours(24 * 7);  // confidence halves over this much unused time
  double full_channel_confidence = 0.9;                // a fresh channelFull.stats_dc
  double server_confidence = 1.0;                      // a STATS_MIGRATE or a direct answer: the server's word
  double success_gain = 0.5;                           // a success closes this share of the gap to 1
  double failure_keep = 0.5;                           // a failure keeps this share of the confidence
};

struct DcRouterCounters {
  std::uint64_t hits = 0;                // route() named a DC
  std::uint64_t misses = 0;              // route() had nothing trustworthy
  std::uint64_t learned = 0;             // a mapping was created or moved to another DC
  std::uint64_t corrected = 0;           // a STATS_MIGRATE named a DC other than the cached one
  std::uint64_t migrations_avoided = 0;  // a request sent where the cache said was answered without a migrate
};

struct RouteStatus {
  std::int32_t dc = 0;
  double confidence = 0;  // at the time asked
  RouteSource source = RouteSource::full_channel;
  std::uint32_t successes = 0, failures = 0;  // since the mapping last changed DC
};

// One mapping as it is persisted: the confidence it had at a wall-clock moment, since the steady clock the
// router runs on does not survive a restart.
struct RouteRecord {
  std::int64_t channel_id = 0;
  std::int32_t dc = 0;
  double confidence = 0;
  RouteSource source = RouteSource::full_channel;
  std::uint32_t successes = 0, failures = 0;
  std::chrono::system_clock::time_point as_of;
};

class DcRouter {
 public:
  using Source = RouteSource;

  // Throws std::invalid_argument for options that cannot work (a confidence outside 0..1, a half-life <= 0).
  explicit DcRouter(DcRouterOptions options = {});

  // The DC to send the channel's statistics requests to, when a mapping is known with enough confidence.
  std::optional<std::int32_t> route(std::int64_t channel_id, Clock::time_point now);

  // The server named the channel's DC. A STATS_MIGRATE replaces any mapping (the server is authoritative); so
  // does a channelFull, which is as fresh. Learning the cached DC again renews its confidence.
  void learned(std::int64_t channel_id, std::int32_t dc, Source source, Clock::time_point now);
  // A statistics request sent to `dc` was answered without a migrate: `dc` serves the channel. Counts a
  // migration avoided when the cache would have routed there (a mapping to `dc` at or above min_confidence).
  void succeeded(std::int64_t channel_id, std::int32_t dc, Clock::time_point now);
  // A request sent to `dc` for the channel failed otherwise (no answer, an error other than a migrate): the
  // mapping to `dc`, if that is the cached one, loses confidence.
  void failed(std::int64_t channel_id, std::int32_t dc, Clock::time_point now);

  std::optional<RouteStatus> status(std::int64_t channel_id, Clock::time_point now) const;
  std::size_t size() const noexcept { return routes_.size(); }
  const DcRouterCounters& counters() const noexcept { return counters_; }

  // Persistence (DcRouteStore): the mappings changed since mark_saved(), as of now.
  std::vector<RouteRecord> changes(Clock::time_point now, std::chrono::system_clock::time_point wall_now) const;
  void mark_saved() noexcept { dirty_.clear(); }
  // Every mapping, as of now (a full snapshot).
  std::vector<RouteRecord> records(Clock::time_point now, std::chrono::system_clock::time_point wall_now) const;
  // Takes saved mappings back, aged by the wall-clock time since they were saved. Counters are not restored, and
  // a restored mapping is not a change. Throws std::invalid_argument for a record that cannot be right.
  void restore(const std::vector<RouteRecord>& saved, Clock::time_point now,
               std::chrono::system_clock::time_point wall_now);

 private:
  struct Route {
    std::int32_t dc = 0;
    double confidence = 0;  // as of `as_of`
    Clock::time_point as_of;
    Source source = Source::full_channel;
    std::uint32_t successes = 0, failures = 0;
  };
  double decayed(double confidence, Clock::duration age) const noexcept;
  double confidence_now(const Route& r, Clock::time_point now) const noexcept { return decayed(r.confidence, now - r.as_of); }
  // Puts `dc` in place of whatever the channel had, at `confidence`.
  void replace(std::int64_t channel_id, std::int32_t dc, double confidence, Source source, Clock::time_point now);
  RouteRecord record(std::int64_t channel_id, const Route& r, Clock::time_point now,
                     std::chrono::system_clock::time_point wall_now) const;

  DcRouterOptions options_;
  std::map<std::int64_t, Route> routes_;
  std::set<std::int64_t> dirty_;
  DcRouterCounters counters_;
};

}  // namespace mtpipe::scale
