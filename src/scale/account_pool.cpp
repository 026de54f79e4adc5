#include "scale/account_pool.h"

#include <algorithm>
#include <boost/asio/this_coro.hpp>

#include "async/cancelled.h"
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
  pool_->accounts_[account_].floods->hold(method_.id(), until);
  ++pool_->counters_.flood_waits;
  pool_->poke_all();  // waiters for this method may have nothing left before their deadline
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
  if (!options_.flood_memories.empty() && options_.flood_memories.size() != accounts.size())
    throw std::invalid_argument("the pool needs one flood record per account");
  accounts_.reserve(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    auto floods = options_.flood_memories.empty() ? std::make_shared<client::FloodMemory>() : options_.flood_memories[i];
    accounts_.emplace_back(std::move(accounts[i]), AccountHealth(options_.health), std::move(floods));
  }
}

AccountPool::~AccountPool() {
  for (Waiter* w : waiters_) w->pool = nullptr;  // frames still waiting must not touch the pool when destroyed
}

// A waiter's place in line for as long as its lease() frame waits. Leaving the line with an account granted but
// not taken (the frame destroyed before it resumed) gives the account back.
class AccountPool::Queued {
 public:
  Queued(AccountPool& pool, const LeaseRequest& request, asio::any_io_executor executor)
      : waiter{&pool, &request, async::Wakeup(executor), std::nullopt, {}} {
    where_ = pool.waiters_.insert(pool.waiters_.end(), &waiter);
  }
  Queued(const Queued&) = delete;
  Queued& operator=(const Queued&) = delete;
  ~Queued() {
    AccountPool* pool = waiter.pool;
    if (!pool) return;
    pool->waiters_.erase(where_);
    if (waiter.granted && !taken_) pool->released(*waiter.granted);
  }
  AccountLease take(client::Method method) {
    taken_ = true;
    return AccountLease(waiter.pool, *waiter.granted, std::move(method), waiter.granted_at);
  }
  Waiter waiter;

 private:
  std::list<Waiter*>::iterator where_;
  bool taken_ = false;
};

asio::awaitable<AccountLease> AccountPool::lease(LeaseRequest request) {
  auto now = options_.now();
  dispatch(now);  // earlier waiters first: a newcomer gets only what none of them can use
  if (const auto chosen = pick(request, now)) {
    grant(*chosen, now);
    co_return AccountLease(this, *chosen, std::move(request.method), now);
  }
  auto chance = next_chance(request, now);
  refuse_if_past_deadline(request, now);
  if (waiters_.size() >= options_.max_waiters) {
    ++counters_.refused_exhausted;
    throw PoolError(PoolError::Reason::exhausted, "account pool exhausted: " + std::to_string(waiters_.size()) +
                                                      " requests are waiting for an account already");
  }
  ++counters_.waited;
  Queued queued(*this, request, co_await asio::this_coro::executor);
  Waiter& w = queued.waiter;
  for (;;) {
    const auto wake = chance ? std::min(*chance, request.deadline) : request.deadline;
    const auto look_at = Clock::now() + (wake - now);  // the pool's clock may be shifted; timers are real
    co_await w.wakeup.wait(look_at, "waiting for an account");
    if (w.granted) co_return queued.take(std::move(request.method));
    now = options_.now();
    // Its own time came (a flood wait or quarantine ended, even if a poke came in the same turn): an account may
    // have come free, and whoever is first in line gets it, maybe this waiter. A poke alone frees nothing.
    if (Clock::now() >= look_at) {
      dispatch(now);
      if (w.granted) co_return queued.take(std::move(request.method));
    }
    chance = next_chance(request, now);
    refuse_if_past_deadline(request, now);
  }
}

void AccountPool::refuse_if_past_deadline(const LeaseRequest& request, Clock::time_point now) {
  if (now < request.deadline) return;
  ++counters_.refused_deadline;
  throw PoolError(PoolError::Reason::deadline,
                  "no account came free for " + request.method.text() + " before the request's deadline");
}

void AccountPool::grant(std::size_t account, Clock::time_point now) {
  Account& a = accounts_[account];
  if (a.health.state() == AccountState::quarantined) ++counters_.probes;
  ++a.in_flight;
  a.last_granted = now;
  ++counters_.granted;
}

void AccountPool::dispatch(Clock::time_point now) {
  for (Waiter* w : waiters_) {
    if (!any_free(now)) return;
    if (w->granted) continue;
    const auto chosen = pick(*w->request, now);
    if (!chosen) continue;  // it waits for something else (a flood-waited method, one pinned account)
    grant(*chosen, now);
    w->granted = chosen;
    w->granted_at = now;
    w->wakeup.wake();
  }
}

bool AccountPool::any_free(Clock::time_point now) const {
  return std::any_of(accounts_.begin(), accounts_.end(), [&](const Account& a) {
    return a.ours(now) && a.health.state() != AccountState::retired && a.in_flight < options_.max_concurrency;
  });
}

void AccountPool::poke_all() {
  for (Waiter* w : waiters_) {
    if (w->granted) continue;
    w->wakeup.wake();
  }
}

std::optional<std::size_t> AccountPool::pick(const LeaseRequest& request, Clock::time_point now) const {
  std::optional<std::size_t> best;
  bool best_avoided = true;
  double best_score = 0;
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    const Account& a = accounts_[i];
    if (request.only && *request.only != i) continue;
    ++counters_.account_checks;
    if (!a.ours(now) || !a.health.usable(now) || a.floods->blocked_until(request.method.id(), now)) continue;
    const bool probe = a.health.state() == AccountState::quarantined;
    if (a.in_flight >= (probe ? 1 : options_.max_concurrency)) continue;
    const bool avoided = std::find(request.avoid.begin(), request.avoid.end(), i) != request.avoid.end();
    // A due probe goes first: it is how a quarantined account comes back.
    const double score = probe ? -1.0 : load_score(a, request.method.name());
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
    if (!a.ours(now)) {
      any_busy = any_busy || options_.wait_for_unavailable;
      continue;
    }
    std::optional<Clock::time_point> when;
    if (a.health.state() == AccountState::quarantined && !a.health.probe_due(now)) {
      when = a.health.probe_at();
    } else {
      ++usable;
      when = a.floods->blocked_until(request.method.id(), now);
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
                      "every usable account is flood-waited for " + request.method.text() + " past the request's deadline",
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
  dispatch(options_.now());
  returned_.notify_all();
}

void AccountPool::report_failure(std::size_t account) {
  Account& a = accounts_[account];
  if (!a.health.failed(options_.now())) return;
  ++counters_.quarantines;
  poke_all();  // waiters may have nothing left before their deadline
  obs::log(obs::Level::warn, "pool", "account " + a.name + " quarantined after repeated failures");
}

void AccountPool::report_retire(std::size_t account, std::string reason) {
  Account& a = accounts_[account];
  if (a.health.state() == AccountState::retired) return;
  obs::log(obs::Level::warn, "pool", "account " + a.name + " retired for good: " + reason);
  a.health.retire(std::move(reason));
  ++counters_.retirements;
  poke_all();  // waiters may now have nothing left to wait for
}

void AccountPool::set_available(std::size_t account, bool available) {
  accounts_.at(account).available = available;
  dispatch(options_.now());
  poke_all();  // the others look again: what they wait for may have gone to another replica
}

void AccountPool::set_valid_until(std::size_t account, std::optional<Clock::time_point> until) {
  accounts_.at(account).valid_until = until;
}

std::size_t AccountPool::usable_count() const {
  const auto now = options_.now();
  return static_cast<std::size_t>(std::count_if(accounts_.begin(), accounts_.end(), [now](const Account& a) {
    return a.ours(now) && a.health.state() == AccountState::healthy;
  }));
}

std::optional<std::size_t> AccountPool::find(std::string_view name) const {
  for (std::size_t i = 0; i < accounts_.size(); ++i)
    if (accounts_[i].name == name) return i;
  return std::nullopt;
}

AccountStatus AccountPool::status(std::size_t account) const {
  const Account& a = accounts_.at(account);
  return AccountStatus{a.name,     a.health.state(),     a.ours(options_.now()), a.in_flight, a.health.score(),
                       a.health.latency_s(), a.health.retired_because()};
}

int AccountPool::in_flight() const noexcept {
  int total = 0;
  for (const Account& a : accounts_) total += a.in_flight;
  return total;
}

}  // namespace mtpipe::scale
