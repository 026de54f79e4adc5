#include "scale/redis/replica_leases.h"

#include <algorithm>
#include <functional>

#include "client/wake_signal.h"
#include "obs/log.h"
#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

ReplicaLeases::ReplicaLeases(LeaseStore& store, AccountPool& pool, std::vector<client::Client*> clients,
                             ReplicaLeaseOptions options)
    : store_(store), pool_(pool), clients_(std::move(clients)), options_(std::move(options)) {
  for (std::size_t i = 0; i < pool_.size(); ++i) pool_.set_available(i, false);
}

milliseconds ReplicaLeases::period() const noexcept { return std::min(options_.ttl / 4, milliseconds(500)); }

asio::awaitable<void> ReplicaLeases::run() {
  for (;;) {
    co_await round();
    co_await client::sleep_for(period());
  }
}

asio::awaitable<void> ReplicaLeases::round() {
  ++counters_.rounds;
  std::size_t live = 0;
  bool reached = true;
  try {
    co_await store_.heartbeat(options_.replica, options_.ttl);
    co_await renew_all();
    live = (co_await store_.live_replicas()).size();
  } catch (const RedisError& e) {
    reached = false;
    ++counters_.redis_errors;
    obs::log(obs::Level::warn, "leases", std::string("Redis: ") + e.what());
  }
  if (!reached) {
    // Without Redis nothing can be renewed: a lease whose last renewal is older than the TTL less one round may
    // already be someone else's, so it is dropped before that can happen.
    const auto now = SteadyClock::now();
    std::vector<std::size_t> stale;
    for (const auto& [account, h] : held_)
      if (now - h.renewed >= options_.ttl - 2 * period()) stale.push_back(account);
    for (const auto account : stale) drop(account, "its lease could not be renewed in time (Redis unreachable)");
    co_return;
  }
  if (options_.on_live_replicas) options_.on_live_replicas(std::max<std::size_t>(live, 1));
  const std::size_t share = fair_share(pool_.size(), live);
  if (held_.size() < share) co_await take_share(share);
  if (held_.size() > share) co_await hand_back_extras(share);
}

asio::awaitable<void> ReplicaLeases::renew_all() {
  std::vector<std::size_t> accounts;
  for (const auto& [account, h] : held_) accounts.push_back(account);
  for (const auto account : accounts) {
    const auto it = held_.find(account);
    if (it == held_.end()) continue;
    const auto token = it->second.token;
    const bool kept = co_await store_.renew(pool_.name(account), options_.replica, token, options_.ttl);
    if (!kept) {
      drop(account, "its lease was lost");
      continue;
    }
    ++counters_.renewed;
    held_[account].renewed = SteadyClock::now();
  }
}

asio::awaitable<void> ReplicaLeases::take_share(std::size_t share) {
  // Replicas start their search at different accounts, so they do not all race for the first ones.
  const std::size_t n = pool_.size();
  const std::size_t start = std::hash<std::string>{}(options_.replica) % std::max<std::size_t>(n, 1);
  for (std::size_t k = 0; k < n && held_.size() < share; ++k) {
    const std::size_t account = (start + k) % n;
    if (held_.contains(account) || pool_.status(account).state == AccountState::retired) continue;
    const auto token = co_await store_.acquire(pool_.name(account), options_.replica, options_.ttl);
    if (!token) continue;
    held_[account] = Held{*token, SteadyClock::now()};
    ++counters_.acquired;
    clients_[account]->reopen();
    pool_.set_available(account, true);
    obs::log(obs::Level::info, "leases", "driving account " + pool_.name(account) + " (token " +
                                             std::to_string(*token) + ")");
  }
}

asio::awaitable<void> ReplicaLeases::hand_back_extras(std::size_t share) {
  std::vector<std::size_t> extras;
  for (const auto& [account, h] : held_) extras.push_back(account);
  extras.resize(held_.size() - share);  // any of them: the first ones
  for (const auto account : extras) {
    pool_.set_available(account, false);  // no new requests; those in flight finish
    if (pool_.status(account).in_flight > 0) continue;  // a later round hands it back
    clients_[account]->close();
    const auto token = held_[account].token;
    held_.erase(account);
    co_await store_.release(pool_.name(account), options_.replica, token);
    ++counters_.handed_back;
    obs::log(obs::Level::info, "leases", "handed account " + pool_.name(account) + " back (fair share " +
                                             std::to_string(share) + ")");
  }
}

void ReplicaLeases::drop(std::size_t account, const std::string& why) {
  pool_.set_available(account, false);
  clients_[account]->close();
  held_.erase(account);
  ++counters_.lost;
  obs::log(obs::Level::warn, "leases", "stopped driving account " + pool_.name(account) + ": " + why);
}

asio::awaitable<void> ReplicaLeases::release_all(milliseconds drain) {
  const auto deadline = SteadyClock::now() + drain;
  for (const auto& [account, h] : held_) pool_.set_available(account, false);
  for (;;) {
    bool busy = false;
    for (const auto& [account, h] : held_) busy = busy || pool_.status(account).in_flight > 0;
    if (!busy || SteadyClock::now() >= deadline) break;
    co_await client::sleep_for(milliseconds(5));
  }
  for (const auto& [account, h] : held_) clients_[account]->close();
  try {
    for (const auto& [account, h] : held_) co_await store_.release(pool_.name(account), options_.replica, h.token);
    co_await store_.leave(options_.replica);
  } catch (const RedisError& e) {
    obs::log(obs::Level::warn, "leases", std::string("releasing at exit: ") + e.what() + " (the leases expire by TTL)");
  }
  held_.clear();
}

}  // namespace mtpipe::scale::redis
