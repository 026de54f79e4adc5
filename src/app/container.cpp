#include "app/container.h"

#include <boost/asio/post.hpp>
#include <climits>

#include "crypto/random.h"
#include "mtproto/clock.h"
#include "obs/log.h"
#include "scale/account_proxy.h"
#include "scale/chain/fault_link.h"
#include "scale/chain/lease_link.h"
#include "scale/chain/rate_link.h"
#include "scale/chain/route_link.h"

namespace mtpipe::app {
namespace {

std::vector<std::string> account_names(const Settings& s) {
  if (s.mtproto.enabled && s.pool.accounts.empty())
    throw std::invalid_argument("MTPROTO_ACCOUNTS names no account: log one in with `mtpipe login --account NAME`");
  if (!s.pool.enabled) return {s.pool.accounts.front()};
  return s.pool.accounts;
}

constexpr int kAttemptsPerRequest = 3;  // accounts a pooled request may be tried on

scale::RateLimits rate_limits(const Settings& s) {
  scale::RateLimits l;
  l.global_rps = s.limits.global_rps;
  l.account_rps = s.limits.account_rps;
  l.classes = s.limits.class_limits;
  return l;
}

}  // namespace

Container::Container(boost::asio::any_io_executor executor, const Settings& settings, client::Network network)
    : store_(settings.mtproto.sessions_dir), names_(account_names(settings)) {
  const bool pooled = settings.pool.enabled;
  if (pooled) features_.push_back("MTPROTO_POOL_ENABLED");
  if (settings.proxy.enabled) {
    features_.push_back("MTPROTO_PROXY_ENABLED");
    scale::ProxyPoolOptions po;
    po.rotation = settings.proxy.rotation;
    po.fail_score_limit = settings.proxy.fail_score_limit;
    po.identity_key = settings.mtproto.api_hash;
    proxies_ = std::make_unique<scale::ProxyPool>(settings.proxy.proxies, po);
  }
  const auto options = client_options(settings, std::move(network));
  scale::AccountPoolOptions pool_options;
  for (const auto& name : names_) {
    auto o = options;
    if (proxies_) o.proxy_source = std::make_shared<scale::AccountProxySource>(*proxies_, name);
    // One record of the account's flood waits: its client holds methods back by it, the pool lends around it.
    o.flood_memory = std::make_shared<client::FloodMemory>();
    pool_options.flood_memories.push_back(o.flood_memory);
    auto c = std::make_unique<client::Client>(executor, std::move(o), store_.load(name), crypto::system_rng(),
                                              mtproto::system_clock());
    const std::size_t index = clients_.size();
    // Only the process driving an account writes its file (across replicas: the lease holder, fenced).
    c->on_session_changed([this, index, name](const client::SessionData& s) {
      if (leased_) leased_->session_changed(index, s);
      else store_.save(name, s);
    });
    clients_.push_back(std::move(c));
  }

  pool_options.max_concurrency = pooled ? settings.limits.max_concurrency_per_account : INT_MAX;
  pool_options.max_waiters = settings.limits.max_waiters;
  pool_options.wait_for_unavailable = pooled && !settings.redis.url.empty();
  pool_ = std::make_unique<scale::AccountPool>(names_, pool_options);

  std::vector<client::Client*> raw;
  for (auto& c : clients_) raw.push_back(c.get());
  scale::RateAdmission* admission = nullptr;
  if (pooled) {
    const scale::RateGateOptions gate_options{settings.limits.max_waiters};
    if (!settings.redis.url.empty()) {
      features_.push_back("REDIS_URL");
      redis_ = std::make_unique<scale::redis::RedisClient>(executor, scale::redis::parse_redis_url(settings.redis.url));
      shared_limiter_ = std::make_unique<scale::redis::SharedRateLimiter>(*redis_);
      shared_gate_ = std::make_unique<scale::redis::SharedRateGate>(*shared_limiter_, rate_limits(settings), gate_options);
      admission = shared_gate_.get();
      lease_store_ = std::make_unique<scale::redis::LeaseStore>(*redis_);
      // A fenced save is found inside a client's callback: the account is dropped from the event loop instead.
      leased_ = std::make_unique<LeasedClients>(store_, names_, raw, [this, executor](std::size_t account, std::string why) {
        boost::asio::post(executor, [this, account, why = std::move(why)] { leases_->fenced_out(account, why); });
      });
      scale::redis::ReplicaLeaseOptions lease_options{settings.pool.replica_id, settings.pool.lease_ttl, {}};
      lease_options.on_live_replicas = [gate = shared_gate_.get()](std::size_t live) { gate->set_replicas(live); };
      leases_ = std::make_unique<scale::redis::ReplicaLeases>(executor, *lease_store_, *pool_, *leased_,
                                                              std::move(lease_options));
      if (proxies_) {
        shared_proxy_health_ = std::make_unique<scale::redis::SharedProxyHealth>(*redis_);
        ban_sync_ = std::make_unique<scale::redis::ProxyBanSync>(*shared_proxy_health_, *proxies_);
      }
    } else {
      gate_ = std::make_unique<scale::RateGate>(rate_limits(settings), gate_options);
      admission = gate_.get();
    }
    router_ = std::make_unique<scale::DcRouter>();
    route_store_ = std::make_unique<scale::DcRouteStore>(settings.mtproto.dc_routes);
    router_->restore(route_store_->load(), scale::Clock::now(), std::chrono::system_clock::now());
  }

  if (settings.faults.enabled) {
    const scale::FaultSettings fs{scale::parse_fault_spec(settings.faults.spec), true, settings.environment};
    faults_ = std::make_unique<scale::FaultInjector>(fs);
    if (faults_->active()) {
      features_.push_back("FAULT_INJECTION_ENABLED");
      obs::log(obs::Level::warn, "faults", "fault injection is on (ENVIRONMENT=" + settings.environment + ")");
    } else {
      obs::log(obs::Level::warn, "faults", faults_->refusal());
      faults_.reset();
    }
  }

  build_chain(std::move(raw), admission, pooled);
}

// From the bottom up; every link is there only when its flag is on, so with none a request goes straight to the
// one client and fails with its errors, unchanged.
void Container::build_chain(std::vector<client::Client*> clients, scale::RateAdmission* admission, bool pooled) {
  pipeline_ = std::make_unique<scale::RequestPipeline>(names_, std::move(clients));
  if (faults_) pipeline_->wrap<scale::FaultLink>(*faults_);
  if (router_) pipeline_->wrap<scale::RouteLink>(*router_);
  if (admission) pipeline_->wrap<scale::RateLink>(*admission);
  if (pooled) pipeline_->wrap<scale::LeaseLink>(*pool_, kAttemptsPerRequest);
}

Container::~Container() { close(); }

client::ClientOptions Container::client_options(const Settings& settings, client::Network network) const {
  client::ClientOptions o;
  o.network = std::move(network);
  o.api.api_id = settings.mtproto.api_id;
  o.api.api_hash = settings.mtproto.api_hash;
  o.retry_max = settings.mtproto.retry_max;
  o.reconnect.factor = settings.mtproto.retry_backoff;
  o.sleep_threshold_s = settings.mtproto.sleep_threshold_s;
  return o;
}

std::vector<ComponentHealth> Container::health() const {
  std::vector<ComponentHealth> out;
  const std::size_t usable = pool_->usable_count();
  out.push_back({"accounts", usable > 0,
                 std::to_string(usable) + " of " + std::to_string(pool_->size()) + " accounts usable"});
  if (proxies_) {
    const std::size_t ok = proxies_->usable_count();
    out.push_back({"proxies", ok > 0, std::to_string(ok) + " of " + std::to_string(proxies_->size()) + " proxies usable"});
  }
  return out;
}

void Container::flush() {
  if (router_ && route_store_) {
    const auto changes = router_->changes(scale::Clock::now(), std::chrono::system_clock::now());
    if (!changes.empty()) route_store_->save(changes);
    router_->mark_saved();
  }
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (leased_) leased_->save(i);  // only what this replica drives, fenced
    else store_.save(names_[i], clients_[i]->session());
  }
}

void Container::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& c : clients_) c->close();
}

}  // namespace mtpipe::app
