#pragma once
// The container: builds the request chain of a process from its settings and feature flags.
//   - MTPROTO_POOL_ENABLED=false (the default): one account (the first of MTPROTO_ACCOUNTS) and a chain without
//     links: a request goes straight to that account's client::Client;
//   - MTPROTO_POOL_ENABLED=true: every account of MTPROTO_ACCOUNTS in an AccountPool behind the lease link, the
//     rate gate (MTPROTO_GLOBAL_RPS, MTPROTO_RPS_PER_ACCOUNT, method classes) behind the rate link, the DC router
//     with its route file behind the route link;
//   - MTPROTO_PROXY_ENABLED=true: the proxy pool of MTPROTO_PROXIES behind every account's connections;
//   - FAULT_INJECTION_ENABLED=true in development or test: the fault link (refused with a log line elsewhere);
//   - REDIS_URL with the pool: the global and per-account buckets are shared by every replica, and an account is
//     driven only while this replica holds its Redis lease; with proxies on too, proxy bans are shared.
// Everything lives on one executor.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/leased_clients.h"
#include "app/settings.h"
#include "client/client.h"
#include "client/session_file/session_store.h"
#include "scale/account_pool.h"
#include "scale/dc_route_store.h"
#include "scale/dc_router.h"
#include "scale/fault_injector.h"
#include "scale/proxy_pool.h"
#include "scale/rate_gate.h"
#include "scale/request_pipeline.h"
#include "scale/redis/lease_store.h"
#include "scale/redis/proxy_ban_sync.h"
#include "scale/redis/redis_client.h"
#include "scale/redis/replica_leases.h"
#include "scale/redis/shared_rate_gate.h"

namespace mtpipe::app {

// One line per component for /readyz and logs.
struct ComponentHealth {
  std::string component;
  bool ready = false;
  std::string detail;
};

class Container {
 public:
  // Loads every account's session file (throws client::session_file errors naming the file) and builds the
  // chain. Throws std::invalid_argument for settings that cannot work together (no account).
  Container(boost::asio::any_io_executor executor, const Settings& settings, client::Network network);
  ~Container();
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  scale::RequestPipeline& pipeline() { return *pipeline_; }
  scale::AccountPool& pool() { return *pool_; }
  client::Client& client(std::size_t account) { return *clients_.at(account); }
  std::size_t accounts() const noexcept { return clients_.size(); }
  scale::ProxyPool* proxies() { return proxies_.get(); }
  scale::DcRouter* router() { return router_.get(); }
  scale::FaultInjector* faults() { return faults_.get(); }
  // With REDIS_URL: the account leases this replica holds (the application runs and releases them).
  scale::redis::ReplicaLeases* replica_leases() { return leases_.get(); }
  // With REDIS_URL and proxies: the exchange of proxy bans with the other replicas (the application runs it).
  scale::redis::ProxyBanSync* proxy_ban_sync() { return ban_sync_.get(); }
  // The features switched on, by flag name (for /info and the start-up log line).
  const std::vector<std::string>& features() const noexcept { return features_; }

  // Ready when a lease can be served: a usable account, and a usable proxy when proxies are on.
  std::vector<ComponentHealth> health() const;
  // Saves what changed: route mappings and every account's session.
  void flush();
  // Closes every account's connections (waiting calls fail). Idempotent.
  void close();

 private:
  client::ClientOptions client_options(const Settings& settings, client::Network network) const;
  void build_chain(std::vector<client::Client*> clients, scale::RateAdmission* admission, bool pooled);

  client::session_file::SessionStore store_;
  std::vector<std::string> names_;
  std::unique_ptr<scale::ProxyPool> proxies_;
  std::vector<std::unique_ptr<client::Client>> clients_;
  std::unique_ptr<scale::AccountPool> pool_;
  std::unique_ptr<scale::RateGate> gate_;
  std::unique_ptr<scale::redis::RedisClient> redis_;
  std::unique_ptr<scale::redis::SharedRateLimiter> shared_limiter_;
  std::unique_ptr<scale::redis::SharedRateGate> shared_gate_;
  std::unique_ptr<scale::redis::LeaseStore> lease_store_;
  std::unique_ptr<LeasedClients> leased_;
  std::unique_ptr<scale::redis::ReplicaLeases> leases_;
  std::unique_ptr<scale::redis::SharedProxyHealth> shared_proxy_health_;
  std::unique_ptr<scale::redis::ProxyBanSync> ban_sync_;
  std::unique_ptr<scale::DcRouter> router_;
  std::unique_ptr<scale::DcRouteStore> route_store_;
  std::unique_ptr<scale::FaultInjector> faults_;
  std::unique_ptr<scale::RequestPipeline> pipeline_;
  std::vector<std::string> features_;
  bool closed_ = false;
};

}  // namespace mtpipe::app
