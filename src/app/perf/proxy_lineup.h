#pragma once
// The proxies of the failover and fault checks, in MTPROTO_PROXIES order: one dead from the start (a port that
// refuses), one flaky (drops each connection with a 20% chance per second), two healthy. All but the dead one are
// relays in front of the sim's MTProxy port, with the stage's dd secret.

#include <array>
#include <memory>

#include "app/container.h"
#include "app/perf/perf_harness.h"
#include "app/perf/perf_report.h"
#include "app/perf/tcp_relay.h"

namespace mtpipe::app::perf {

class ProxyLineup {
 public:
  ProxyLineup(const SimStage& stage, std::uint64_t seed);
  // MTPROTO_PROXY_ENABLED with the four proxies; rotation and fail score limit stay the settings' defaults.
  void configure(Settings& settings) const;
  std::size_t size() const noexcept { return urls_.size(); }
  bool healthy(std::size_t proxy) const noexcept { return proxy >= 2; }
  // Kills relay `proxy` (the flaky or a healthy one): its port and every connection through it close.
  void kill(std::size_t proxy);
  // Per proxy: successes, failures, bans and accounts from the pool; the flaky relay's drops.
  void add_figures(CheckResult& result, Container& container) const;

 private:
  std::vector<net::ProxyUrl> urls_;
  std::array<std::unique_ptr<TcpRelay>, 4> relays_;  // index 0 (the dead one) stays empty
};

}  // namespace mtpipe::app::perf
