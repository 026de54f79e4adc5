#include "scale/redis/replica_leases.h"

#include <algorithm>
#include <array>
#include <boost/asio/this_coro.hpp>
#include <functional>
#include <vector>

#include "async/cancelled.h"
#include "async/sleep.h"
#include "base/describe.h"
#include "crypto/random.h"
#include "obs/log.h"
#include "tl/hex.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// How long an account whose session did not load is left to the other replicas before this one tries again.
constexpr std::chrono::seconds kRetryUnstartable{30};

// 48 random bits: two processes with the same replica id get different owners.
std::string owner_for(const std::string& replica) {
  std::array<std::uint8_t, 6> bytes{};
  crypto::system_rng().fill(bytes);
  return replica + "#" + tl::to_hex(bytes);
}

}  // namespace

ReplicaLeases::ReplicaLeases(asio::any_io_executor executor, LeaseStore& store, AccountPool& pool,
                             LeasedAccounts& accounts, ReplicaLeaseOptions options)
    : store_(store), pool_(pool), accounts_(accounts), options_(std::move(options)),
      owner_(owner_for(options_.replica)), expiry_timer_(std::move(executor)) {
  for (std::size_t i = 0; i < pool_.size(); ++i) pool_.set_available(i, false);
}

ReplicaLeases::~ReplicaLeases() { *alive_ = false; }

milliseconds ReplicaLeases::period() const noexcept { return std::min(options_.ttl / 4, milliseconds(500)); }

milliseconds ReplicaLeases::margin() const noexcept {
  // Covers the event loop's lateness in firing the expiry timer and closing the connections; a tenth of the TTL
  // leaves nine tenths to renew in.
  return std::min(std::max(options_.ttl / 10, milliseconds(100)), options_.ttl / 2);
}

std::optional<ReplicaLeases::SteadyClock::time_point> ReplicaLeases::valid_until(std::size_t account) const {
  const auto it = held_.find(account);
  if (it == held_.end()) return std::nullopt;
  return it->second.valid_until;
}

asio::awaitable<void> ReplicaLeases::run() {
  for (;;) {
    co_await round();
    co_await async::sleep_for(period());
  }
}

asio::awaitable<void> ReplicaLeases::round() {
  ++counters_.rounds;
  drop_expired();
  std::exception_ptr failure;
  try {
    co_await keep_alive();
    const std::size_t share = fair_share(pool_.size(), std::max<std::size_t>(1, live_));
    co_await take_share(share);
    co_await rebalance(share);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // However the cancelled wait ended (Cancelled, or the socket's own operation_aborted), it is this task's end.
    const auto state = co_await asio::this_coro::cancellation_state;
    if (async::is_cancellation(failure) || state.cancelled() != asio::cancellation_type::none)
      std::rethrow_exception(failure);
    ++counters_.failed_rounds;
    obs::log(obs::Level::warn, "leases",
             "lease round failed (" + std::to_string(held_.size()) +
                 " account(s) kept until their leases' local validity ends): " + describe(failure));
  }
}

asio::awaitable<void> ReplicaLeases::keep_alive() {
  std::vector<std::size_t> accounts;
  std::vector<HeldLease> leases;
  for (const auto& [account, h] : held_) {
    accounts.push_back(account);
    leases.push_back(HeldLease{pool_.name(account), h.token});
  }
  const auto sent = SteadyClock::now();
  const KeepAlive answer = co_await store_.keep_alive(owner_, leases, options_.ttl);
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto it = held_.find(accounts[i]);
    // Dropped while the call was out (its validity ran out, or its session file was fenced): a later round takes
    // it again if the lease is still this replica's.
    if (it == held_.end() || it->second.token != leases[i].token) continue;
    if (answer.kept[i]) {
      extend(it->second, accounts[i], sent);
      ++counters_.renewed;
    } else {
      ++counters_.lost;
      drop(accounts[i], "its lease was lost (expired, or another replica holds it)");
    }
  }
  live_ = answer.live_replicas;
  if (options_.on_live_replicas) options_.on_live_replicas(std::max<std::size_t>(live_, 1));
  watch_expiry();
}

asio::awaitable<void> ReplicaLeases::take_share(std::size_t share) {
  std::size_t active = 0;
  for (const auto& [account, h] : held_) active += h.draining ? 0 : 1;
  // A draining account is taken back into service before a new one is leased.
  for (auto& [account, h] : held_) {
    if (active >= share) break;
    if (!h.draining) continue;
    h.draining = false;
    pool_.set_available(account, true);
    ++active;
  }
  // Replicas start their search at different accounts, so they do not all race for the first ones.
  const std::size_t n = pool_.size();
  const std::size_t start = std::hash<std::string>{}(owner_) % std::max<std::size_t>(n, 1);
  for (std::size_t k = 0; k < n && active < share; ++k) {
    const std::size_t account = (start + k) % n;
    if (held_.contains(account) || pool_.status(account).state == AccountState::retired) continue;
    if (const auto it = unstartable_.find(account); it != unstartable_.end()) {
      if (SteadyClock::now() < it->second) continue;
      unstartable_.erase(it);
    }
    const auto sent = SteadyClock::now();
    const auto token = co_await store_.acquire(pool_.name(account), owner_, options_.ttl);
    if (!token) continue;
    bool started = true;
    try {
      accounts_.start(account, *token);
    } catch (const std::exception& e) {
      // Another replica may be able to: this one lets the lease go and tries the account again only later.
      started = false;
      unstartable_[account] = SteadyClock::now() + kRetryUnstartable;
      obs::log(obs::Level::error, "leases", "cannot drive account " + pool_.name(account) + " (tried again in " +
                                                std::to_string(kRetryUnstartable.count()) + " s): " + e.what());
    }
    if (!started) {
      co_await store_.release(pool_.name(account), owner_, *token);
      continue;
    }
    hold(account, *token, sent);
    ++active;
    ++counters_.acquired;
    obs::log(obs::Level::info, "leases", "driving account " + pool_.name(account) + " (token " +
                                             std::to_string(*token) + ")");
  }
}

asio::awaitable<void> ReplicaLeases::rebalance(std::size_t share) {
  std::size_t active = 0;
  for (const auto& [account, h] : held_) active += h.draining ? 0 : 1;
  for (auto& [account, h] : held_) {
    if (active <= share) break;
    if (h.draining) continue;
    h.draining = true;
    pool_.set_available(account, false);  // no new requests; those in flight finish
    --active;
  }
  std::vector<std::size_t> drained;
  for (const auto& [account, h] : held_)
    if (h.draining && pool_.status(account).in_flight == 0) drained.push_back(account);
  for (const auto account : drained) {
    if (!held_.contains(account)) continue;  // dropped while an earlier hand-back waited for Redis
    obs::log(obs::Level::info, "leases", "handed account " + pool_.name(account) + " back (fair share " +
                                             std::to_string(share) + ")");
    co_await hand_back(account);
  }
}

asio::awaitable<void> ReplicaLeases::hand_back(std::size_t account) {
  const auto token = let_go(account);
  co_await store_.release(pool_.name(account), owner_, token);
}

std::int64_t ReplicaLeases::let_go(std::size_t account) {
  try {
    accounts_.save(account);
  } catch (const std::exception& e) {
    obs::log(obs::Level::warn, "leases", "saving account " + pool_.name(account) + " before handing it back: " + e.what());
  }
  accounts_.stop(account);
  pool_.set_available(account, false);
  pool_.set_valid_until(account, std::nullopt);
  const auto token = held_.at(account).token;
  held_.erase(account);  // not ours from here on, whether or not its release reaches Redis
  watch_expiry();
  ++counters_.handed_back;
  return token;
}

void ReplicaLeases::hold(std::size_t account, std::int64_t token, SteadyClock::time_point sent) {
  Held& h = held_[account];
  h.token = token;
  extend(h, account, sent);
  pool_.set_available(account, true);
  watch_expiry();  // now, not at the end of the round: a later step of the round may fail
}

void ReplicaLeases::extend(Held& held, std::size_t account, SteadyClock::time_point sent) {
  held.valid_until = sent + options_.ttl - margin();
  pool_.set_valid_until(account, held.valid_until);
}

void ReplicaLeases::drop(std::size_t account, const std::string& why) {
  if (!held_.contains(account)) return;
  pool_.set_available(account, false);
  pool_.set_valid_until(account, std::nullopt);
  held_.erase(account);
  accounts_.stop(account);
  obs::log(obs::Level::warn, "leases", "stopped driving account " + pool_.name(account) + ": " + why);
}

void ReplicaLeases::drop_expired() {
  const auto now = SteadyClock::now();
  std::vector<std::size_t> expired;
  for (const auto& [account, h] : held_)
    if (h.valid_until <= now) expired.push_back(account);
  for (const auto account : expired) {
    ++counters_.expired;
    drop(account, "its lease could not be renewed in time (Redis unreachable or too slow)");
  }
}

void ReplicaLeases::fenced_out(std::size_t account, const std::string& why) {
  if (!held_.contains(account)) return;
  ++counters_.fenced;
  drop(account, why);
  watch_expiry();
}

void ReplicaLeases::watch_expiry() {
  std::optional<SteadyClock::time_point> earliest;
  for (const auto& [account, h] : held_)
    if (!earliest || h.valid_until < *earliest) earliest = h.valid_until;
  if (!earliest) {
    expiry_timer_.cancel();
    return;
  }
  expiry_timer_.expires_at(*earliest);  // cancels the previous wait, whose handler then does nothing
  expiry_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    const auto still = alive.lock();
    if (ec || !still || !*still) return;
    drop_expired();
    watch_expiry();
  });
}

asio::awaitable<void> ReplicaLeases::release_all(milliseconds drain) {
  const auto deadline = SteadyClock::now() + drain;
  for (auto& [account, h] : held_) {
    h.draining = true;
    pool_.set_available(account, false);
  }
  // A lease whose validity runs out meanwhile is dropped by the expiry timer and leaves held_.
  co_await pool_.returned().wait_until(deadline, [this] {
    return std::none_of(held_.begin(), held_.end(),
                        [this](const auto& entry) { return pool_.status(entry.first).in_flight > 0; });
  });
  // Every session is saved and every account stopped before the first release goes to Redis, which may not answer.
  std::vector<HeldLease> released;
  while (!held_.empty()) {
    const std::size_t account = held_.begin()->first;
    released.push_back(HeldLease{pool_.name(account), let_go(account)});
  }
  try {
    for (const auto& lease : released) co_await store_.release(lease.account, owner_, lease.token);
    co_await store_.leave(owner_);
  } catch (const std::exception& e) {
    obs::log(obs::Level::warn, "leases", std::string("releasing at exit: ") + e.what() + " (the leases expire by TTL)");
  }
  expiry_timer_.cancel();
}

}  // namespace mtpipe::scale::redis
