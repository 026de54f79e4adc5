#pragma once
// The stage every check of `mtpipe perf` runs on: an in-process sim on ephemeral ports (with an MTProxy port for
// the relays), kAccounts accounts logged in to it with their session files in a directory of their own, and the
// Settings and Network an app::Application needs to drive them through the real request chain. Each check builds
// its own stage with the sim options it needs, so the checks do not lean on each other.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/settings.h"
#include "client/client_options.h"
#include "crypto/rsa.h"
#include "net/proxy_url.h"
#include "sim/sim_options.h"
#include "sim/sim_server.h"

namespace mtpipe::app::perf {

using SteadyClock = std::chrono::steady_clock;

// What every check shares.
struct PerfContext {
  bool short_run = false;
  std::uint64_t seed = 1;
  std::filesystem::path dir;  // this run's temporary directory; each stage takes a subdirectory
  crypto::RsaPrivateKey key;  // the sim's, generated once per run (it takes a while)
};

inline constexpr std::size_t kAccounts = 8;

class SimStage {
 public:
  // Starts the sim with `options` (plus the MTProxy secret) and logs acc0..acc7 in: phone +99966D300i, homed on
  // DC D = 1 + i mod 3 (docs/SIM.md). Throws what the sim or a login throws.
  SimStage(const PerfContext& context, const std::string& name, sim::SimOptions options);
  ~SimStage();
  SimStage(const SimStage&) = delete;
  SimStage& operator=(const SimStage&) = delete;

  sim::SimServer& server() { return *server_; }
  client::Network network() const;
  // The pool on with every account, ENVIRONMENT=test, sessions and the route file in the stage's directory, and
  // rate limits high enough that nothing but the sim slows a request down: each check sets what it measures.
  Settings settings() const;
  const std::vector<std::string>& accounts() const noexcept { return names_; }
  std::int32_t home_dc(std::size_t account) const { return home_dcs_.at(account); }
  // An MTProxy URL (the stage's dd secret) for a relay listening on `port`.
  net::ProxyUrl proxy_url(std::uint16_t port) const;
  std::uint16_t mtproxy_port() const { return server_->mtproxy_port(); }

  // The sim's side of the story.
  std::uint64_t requests_during_wait() const;
  // The most API queries any account had in flight at once.
  std::uint64_t max_in_flight() const;
  // Calls of `method` per account, by account index (0 for an account the sim never saw call it).
  std::vector<std::uint64_t> calls_by_account(std::string_view method) const;
  // Connections the sim still holds open, over every DC.
  std::uint64_t open_connections() const;

 private:
  void log_in_all(const client::Network& network);

  std::filesystem::path dir_;
  std::string secret_hex_;
  sim::SimOptions options_;
  std::unique_ptr<sim::SimServer> server_;
  std::vector<std::string> names_;
  std::vector<std::int32_t> home_dcs_;
  std::vector<std::int64_t> user_ids_;
};

// Sim options with every API answer delayed by a uniform draw from [min_ms, max_ms].
sim::SimOptions answering_in(std::int32_t min_ms, std::int32_t max_ms);

// The boxed users.getUsers([inputUserSelf]): the cheapest call that needs a logged-in account.
std::vector<std::uint8_t> get_self_query();

double milliseconds_between(SteadyClock::time_point from, SteadyClock::time_point to);

}  // namespace mtpipe::app::perf
