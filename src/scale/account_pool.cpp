#include "scale/account_pool.h"

#include <algorithm>

#include "obs/log.h"

namespace mtpipe::scale {
namespace asio = boost::asio;

// ---- AccountLease ----

AccountLease::AccountLease(AccountLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      account_(other.account_),
      method_(std::move(other.method_)),
      granted_(other.granted_) {}

AccountLease& AccountLease::operator=(AccountLease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    account_ = other.account_;
    method_ = std::move(other.method_);
    granted_ = other.granted_;
  }
  return *this;
}

const std::string& AccountLease::name() const { return pool_->name(account_); }

void AccountLease::succeeded() {
  if (!pool_) return;
  pool_->accounts_[account_].health.succeeded(pool_->options_.now() - granted_);
}

void AccountLease::failed() {
  if (pool_) pool_->report_failure(account_);
}

void AccountLease::flood_wait(Clock::time_point until) {
  if (!pool_) return;
  pool_->accounts_[account_].health.flood_wait(method_, until);
  ++pool_->counters_.flood_waits;
}

void AccountLease::retire(std::string reason) {
  if (pool_) pool_->report_retire(account_, std::move(reason));
}

void AccountLease::release() noexcept {
  if (auto* pool = std::exchange(pool_, nullptr)) pool->released(account_);
}

// ---- AccountPool ----

AccountPool::AccountPool(std::vector<std::string> accounts, AccountPoolOptions options)
    : options_(std::move(options)) {
  accounts_.reserve(accounts.size());
  for (auto& name : accounts) accounts_.push_back(Account{std::move(name), AccountHealth(options_.health)});
}

asio::awaitable<AccountLease> AccountPool::lease(LeaseRequest request) {
  bool waited = false;
  for (;;) {
    const auto now = options_.now();
    if (const auto chosen = pick(request, now)) {
      Account& a = accounts_[*chosen];
      if (a.health.state() == AccountState::quarantined) ++counters_.probes;
      ++a.in_flight;
      a.last_granted = now;
      ++counters_.granted;
      co_return AccountLease(this, *chosen, std::move(request.method), now);
    }
    const auto chance = next_chance(request, now);
    if (now >= request.deadline) {
      ++counters_.refused_deadline;
      throw PoolError(PoolError::Reason::deadline,
                      "no account came free for " + request.method + " before the request's deadline");
    }
    if (counters_.waiters >= options_.max_waiters) {
      ++counters_.refused_exhausted;
      throw PoolError(PoolError::Reason::exhausted, "account pool exhausted: " + std::to_string(counters_.waiters) +
                                                        " requests are waiting for an account already");
    }
    if (!waited) ++counters_.waited;
    waited = true;
    const auto wake = chance ? std::min(*chance, request.deadline) : request.deadline;
    ++counters_.waiters;
    try {
      co_await changed_.wait(Clock::now() + (wake - now));  // the pool's clock may be shifted; timers are real
    } catch (...) {
      --counters_.waiters;
      throw;
    }
    --counters_.waiters;
  }
}

std::optional<std::size_t> AccountPool::pick(const LeaseRequest& request, Clock::time_point now) const {
  std::optional<std::size_t> best;
  bool best_avoided = true;
  double best_score = 0;
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    const Account& a = accounts_[i];
    if (request.only && *request.only != i) continue;
    if (!a.available || !a.health.usable_for(request.method, now)) continue;
    const bool probe = a.health.state() == AccountState::quarantined;
    if (a.in_flight >= (probe ? 1 : options_.max_concurrency)) continue;
    const bool avoided = std::find(request.avoid.begin(), request.avoid.end(), i) != request.avoid.end();
    // A due probe goes first: it is how a quarantined account comes back.
    const double score = probe ? -1.0 : load_score(a, request.method);
    const auto better = [&] {
      if (!best) return true;
      if (avoided != best_avoided) return !avoided;
      if (score != best_score) return score < best_score;
      return a.last_granted < accounts_[*best].last_granted;  // spread equal accounts round-robin
    };
    if (better()) {
      best = i;
      best_avoided = avoided;
      best_score = score;
    }
  }
  return best;
}

// Lower is better. Each term is in [0, 1] before its weight: how busy the account is, how unhealthy, how slow,
// and (negatively) how many rate tokens it has left for the method.
double AccountPool::load_score(const Account& a, std::string_view method) const {
  double score = static_cast<double>(a.in_flight) / options_.max_concurrency;
  score += 2.0 * (1.0 - a.health.score());
  score += 0.5 * std::min(a.health.latency_s(), 5.0) / 5.0;
  if (options_.tokens_left) score -= 0.5 * std::min(options_.tokens_left(a.name, method), 10.0) / 10.0;
  return score;
}

std::optional<Clock::time_point> AccountPool::next_chance(const LeaseRequest& request, Clock::time_point now) {
  bool any_busy = false;  // a candidate only needs a lease back
  std::optional<Clock::time_point> earliest;
  std::size_t flood_waited = 0, usable = 0;
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    const Account& a = accounts_[i];
    if (request.only && *request.only != i) continue;
    if (a.health.state() == AccountState::retired) continue;
    if (!a.available) {
      any_busy = any_busy || options_.wait_for_unavailable;
      continue;
    }
    std::optional<Clock::time_point> when;
    if (a.health.state() == AccountState::quarantined && !a.health.probe_due(now)) {
      when = a.health.probe_at();
    } else {
      ++usable;
      when = a.health.flood_until(request.method, now);
      if (when) ++flood_waited;
      else any_busy = true;
    }
    if (when && (!earliest || *when < *earliest)) earliest = when;
  }
  if (any_busy) return earliest;
  if (!earliest || *earliest > request.deadline) {
    if (usable > 0 && flood_waited == usable) {
      ++counters_.refused_flood_waited;
      throw PoolError(PoolError::Reason::flood_waited,
                      "every usable account is flood-waited for " + request.method + " past the request's deadline",
                      earliest);
    }
    ++counters_.refused_no_usable;
    throw PoolError(PoolError::Reason::no_usable_account,
                    "no usable account: " + std::to_string(accounts_.size()) +
                        " in the pool, none healthy and ours (see the pool's status)",
                    earliest);
  }
  return earliest;
}

void AccountPool::released(std::size_t account) {
  --accounts_[account].in_flight;
  changed_.notify_all();
}

void AccountPool::report_failure(std::size_t account) {
  Account& a = accounts_[account];
  if (!a.health.failed(options_.now())) return;
  ++counters_.quarantines;
  obs::log(obs::Level::warn, "pool", "account " + a.name + " quarantined after repeated failures");
}

void AccountPool::report_retire(std::size_t account, std::string reason) {
  Account& a = accounts_[account];
  if (a.health.state() == AccountState::retired) return;
  obs::log(obs::Level::warn, "pool", "account " + a.name + " retired for good: " + reason);
  a.health.retire(std::move(reason));
  ++counters_.retirements;
  changed_.notify_all();  // waiters may now have nothing left to wait for
}

void AccountPool::set_available(std::size_t account, bool available) {
  accounts_.at(account).available = available;
  changed_.notify_all();
}

std::size_t AccountPool::usable_count() const {
  return static_cast<std::size_t>(std::count_if(accounts_.begin(), accounts_.end(), [](const Account& a) {
    return a.available && a.health.state() == AccountState::healthy;
  }));
}

std::optional<std::size_t> AccountPool::find(std::string_view name) const {
  for (std::size_t i = 0; i < accounts_.size(); ++i)
    if (accounts_[i].name == name) return i;
  return std::nullopt;
}

AccountStatus AccountPool::status(std::size_t account) const {
  const Account& a = accounts_.at(account);
  return AccountStatus{a.name,     a.health.state(),     a.available, a.in_flight, a.health.score(),
                       a.health.latency_s(), a.health.retired_because()};
}

int AccountPool::in_flight() const noexcept {
  int total = 0;
  for (const Account& a : accounts_) total += a.in_flight;
  return total;
}

}  // namespace mtpipe::scale
