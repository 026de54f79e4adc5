#include "app/perf/proxy_lineup.h"

namespace mtpipe::app::perf {

ProxyLineup::ProxyLineup(const SimStage& stage, std::uint64_t seed) {
  urls_.push_back(stage.proxy_url(refused_port()));
  for (std::size_t i = 1; i < relays_.size(); ++i) {
    RelayOptions o;
    o.target_port = stage.mtproxy_port();
    o.drop_per_second = i == 1 ? 0.2 : 0;
    o.seed = seed + i;
    relays_[i] = std::make_unique<TcpRelay>(o);
    urls_.push_back(stage.proxy_url(relays_[i]->port()));
  }
}

void ProxyLineup::configure(Settings& settings) const {
  settings.proxy.enabled = true;
  settings.proxy.proxies = urls_;
}

void ProxyLineup::kill(std::size_t proxy) { relays_.at(proxy)->kill(); }

void ProxyLineup::add_figures(CheckResult& result, Container& container) const {
  const auto* pool = container.proxies();
  for (std::size_t i = 0; pool && i < pool->size(); ++i) {
    const auto s = pool->status(i);
    const std::string name = "proxy" + std::to_string(i + 1) + "_";
    result.figure(name + "successes", static_cast<double>(s.successes));
    result.figure(name + "failures", static_cast<double>(s.failures));
    result.figure(name + "bans", s.bans);
    result.figure(name + "accounts", static_cast<double>(s.accounts));
  }
  result.figure("flaky_relay_drops", static_cast<double>(relays_[1]->dropped()));
}

}  // namespace mtpipe::app::perf
