#include "sim/stats_json.h"

#include <utility>

#include "tl/json.h"

namespace mtpipe::sim {
namespace {

using Counts = std::span<const std::pair<const char*, std::uint64_t>>;

void integers(tl::json::Writer& w, Counts counts) {
  for (const auto& [k, v] : counts) {
    w.key(k);
    w.integer(static_cast<std::int64_t>(v));
  }
}

// "user_id" and, for an account the world knows, its "name" (the sim's username).
void user(tl::json::Writer& w, const World& world, std::int64_t user_id) {
  w.key("user_id");
  w.integer(user_id);
  if (const auto account = world.account(user_id)) {
    w.key("name");
    w.string(account->username);
  }
}

void by_method(tl::json::Writer& w, const std::map<std::string, std::uint64_t, std::less<>>& counts) {
  w.begin_object();
  for (const auto& [method, n] : counts) {
    w.key(method);
    w.integer(static_cast<std::int64_t>(n));
  }
  w.end_object();
}

void dcs_array(tl::json::Writer& w, std::span<const std::unique_ptr<Dc>> dcs) {
  w.begin_array();
  for (const auto& dc : dcs) {
    const auto& s = dc->stats;
    const std::pair<const char*, std::uint64_t> fields[] = {
        {"id", static_cast<std::uint64_t>(dc->id)},
        {"connections", s.connections.load()},
        {"open_connections", s.open_connections.load()},
        {"handshakes", s.handshakes.load()},
        {"auth_keys", dc->keys.size()},
        {"queries", s.queries.load()},
        {"bad_server_salts", s.bad_server_salts.load()},
        {"bad_msg_notifications", s.bad_msg_notifications.load()},
        {"transport_errors", s.transport_errors.load()},
        {"refused_packets", s.refused_packets.load()},
        {"auth_key_duplicated", s.auth_key_duplicated.load()},
        {"connections_killed", s.connections_killed.load()},
        {"ping_timeouts", s.ping_timeouts.load()},
    };
    w.begin_object();
    integers(w, fields);
    w.end_object();
  }
  w.end_array();
}

// One entry per account (or, before login, auth key) and limited method that was called.
void flood_array(tl::json::Writer& w, const World& world) {
  w.begin_array();
  for (const auto& c : world.flood_counters()) {
    w.begin_object();
    if (c.subject.user_id != 0) {
      user(w, world, c.subject.user_id);
    } else {
      w.key("auth_key_id");
      w.integer(static_cast<std::int64_t>(c.subject.key_id));
    }
    w.key("method");
    w.string(c.method);
    const std::pair<const char*, std::uint64_t> counts[] = {
        {"calls", c.calls}, {"flood_waits", c.flood_waits}, {"requests_during_wait", c.requests_during_wait}};
    integers(w, counts);
    w.end_object();
  }
  w.end_array();
}

void users_array(tl::json::Writer& w, const World& world, const LoadSnapshot& load) {
  w.begin_array();
  for (const auto& [user_id, u] : load.users) {
    w.begin_object();
    user(w, world, user_id);
    std::uint64_t total = 0;
    for (const auto& [method, n] : u.requests) total += n;
    const std::pair<const char*, std::uint64_t> counts[] = {
        {"max_in_flight", u.max_in_flight}, {"in_flight", u.in_flight}, {"requests", total}};
    integers(w, counts);
    w.key("methods");
    by_method(w, u.requests);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string stats_json(std::span<const std::unique_ptr<Dc>> dcs, const World& world) {
  const LoadSnapshot load = world.load();
  tl::json::Writer w;
  w.begin_object();
  w.key("now_s");
  w.integer(world.now_s());
  w.key("dcs");
  dcs_array(w, dcs);
  w.key("flood");
  flood_array(w, world);
  w.key("users");
  users_array(w, world, load);
  w.key("methods");
  by_method(w, load.methods);
  w.key("max_live_sessions_per_key");
  w.integer(static_cast<std::int64_t>(world.max_live_sessions_per_key()));
  const PushAcks acks = world.push_acks();
  w.key("pushes");
  w.begin_object();
  const std::pair<const char*, std::uint64_t> pushes[] = {
      {"pushed", acks.pushed}, {"acked", acks.acked}, {"resent", acks.resent}, {"late", acks.late},
      {"longest_wait_ms", static_cast<std::uint64_t>(acks.longest_wait_ms)}};
  integers(w, pushes);
  w.end_object();
  // [[unix second, API queries], ...] in time order: a reader sums any window it likes.
  w.key("requests_per_second");
  w.begin_array();
  for (const auto& [second, n] : load.per_second) {
    w.begin_array();
    w.integer(second);
    w.integer(static_cast<std::int64_t>(n));
    w.end_array();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace mtpipe::sim
