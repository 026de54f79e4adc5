#pragma once
// The account pool: the accounts of MTPROTO_ACCOUNTS shared by every request of a process.
// `co_await pool.lease(request)` picks the account that should carry a request for a method now, by load score
// (requests in flight, rate tokens left, answer latency, health), never one whose flood wait for that method is
// running, never more than MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT at once per account. The lease reports how the
// request went (success, failure, flood wait, dead account) and gives the account back when it goes out of scope.
// Waiting for a lease has the caller's deadline and a bounded queue: a full queue, a deadline that cannot be met,
// or a pool with no account left to use fail at once with a PoolError that says which. The queue is first come,
// first served: a freed account goes straight to the longest-waiting request it can serve, and a newcomer gets
// only what no earlier waiter can use, so under overload no request waits out its deadline behind newer ones.
//
// Lives on one executor (not thread-safe) and must outlive its leases.

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "async/event.h"
#include "async/wakeup.h"
#include "client/flood_memory.h"
#include "client/method.h"
#include "scale/account_health.h"

namespace mtpipe::scale {

class PoolError : public std::runtime_error {
 public:
  enum class Reason : std::uint8_t {
    exhausted,           // max_waiters callers were waiting already
    deadline,            // no account came free before the caller's deadline
    no_usable_account,   // every account is retired, quarantined or not ours (readiness says so too)
    flood_waited,        // every usable account is flood-waited for this method past the deadline
  };
  PoolError(Reason reason, const std::string& what, std::optional<Clock::time_point> retry_at = std::nullopt)
      : std::runtime_error(what), reason_(reason), retry_at_(retry_at) {}
  Reason reason() const noexcept { return reason_; }
  // When an account could take the request again (flood_waited, no_usable_account with a probe coming).
  std::optional<Clock::time_point> retry_at() const noexcept { return retry_at_; }

 private:
  Reason reason_;
  std::optional<Clock::time_point> retry_at_;
};

struct AccountPoolOptions {
  int max_concurrency = 2;         // MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT
  std::size_t max_waiters = 1000;  // callers allowed to wait for a lease at once
  HealthPolicy health;
  // The pool's clock; waits are real timers, so it must run at steady_clock's pace (tests shift it).
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
  // Replicas: an account this process does not hold now may become its own (ReplicaLeases), so a request waits
  // for one within its deadline instead of failing at once with no_usable_account.
  bool wait_for_unavailable = false;
  // Rate tokens an account has left for a method (the rate limiter's view); more is better. Optional.
  std::function<double(const std::string& account, std::string_view method)> tokens_left;
  // Account i's flood waits, the record its client keeps (client::ClientOptions::flood_memory); empty: the pool
  // keeps one per account itself.
  std::vector<std::shared_ptr<client::FloodMemory>> flood_memories;
};

struct LeaseRequest {
  client::Method method;
  Clock::time_point deadline;
  std::vector<std::size_t> avoid;  // accounts that already failed this request: tried last, only if nothing else
  // Only this account may take it (a request carrying an access hash that account resolved: hashes are per
  // account).
  std::optional<std::size_t> only;
};

struct PoolCounters {
  std::uint64_t granted = 0, waited = 0, probes = 0;
  std::uint64_t refused_exhausted = 0, refused_deadline = 0, refused_no_usable = 0, refused_flood_waited = 0;
  std::uint64_t quarantines = 0, retirements = 0, flood_waits = 0;
  std::uint64_t account_checks = 0;  // accounts looked at while choosing one for a request: the cost of choosing
  std::uint64_t waiters = 0;         // waiting right now (filled in by counters())
};

struct AccountStatus {
  std::string name;
  AccountState state = AccountState::healthy;
  bool available = true;  // this process may drive it (across replicas: it holds the account's lease)
  int in_flight = 0;
  double score = 1, latency_s = 0;
  std::string retired_because;
};

class AccountPool;

// One account lent to one request. Move-only; gives the account back when destroyed or released.
class AccountLease {
 public:
  AccountLease() = default;
  AccountLease(AccountLease&& other) noexcept;
  AccountLease& operator=(AccountLease&& other) noexcept;
  AccountLease(const AccountLease&) = delete;
  AccountLease& operator=(const AccountLease&) = delete;
  ~AccountLease() { release(); }

  std::size_t account() const noexcept { return account_; }
  const std::string& name() const;

  // How the request went; latency is counted from the grant. Each ends nothing: release() still gives it back.
  void succeeded();
  void failed();  // network, timeout, 5xx: counts toward quarantine
  void flood_wait(Clock::time_point until);  // the account must wait before this method again (its flood record)
  void retire(std::string reason);           // the account is dead: never leased again
  void release() noexcept;

 private:
  friend class AccountPool;
  AccountLease(AccountPool* pool, std::size_t account, client::Method method, Clock::time_point granted)
      : pool_(pool), account_(account), method_(method), granted_(granted) {}
  AccountPool* pool_ = nullptr;
  std::size_t account_ = 0;
  client::Method method_;
  Clock::time_point granted_{};
};

class AccountPool {
 public:
  AccountPool(std::vector<std::string> accounts, AccountPoolOptions options);
  AccountPool(const AccountPool&) = delete;
  AccountPool& operator=(const AccountPool&) = delete;
  ~AccountPool();

  // Throws PoolError; async::Cancelled when the waiting coroutine is cancelled.
  boost::asio::awaitable<AccountLease> lease(LeaseRequest request);

  // Whether this process may drive the account (replicas hand accounts over through Redis leases). An account
  // made unavailable keeps its in-flight requests; it gets no new ones.
  void set_available(std::size_t account, bool available);
  // Until when this process may drive the account on the strength of its replica lease (nullopt: no end). From
  // then on the account takes no new request, whether or not the lease manager has dropped it yet.
  void set_valid_until(std::size_t account, std::optional<Clock::time_point> until);
  // Healthy accounts this process may drive (readiness: zero means no lease can be served).
  std::size_t usable_count() const;
  std::size_t size() const noexcept { return accounts_.size(); }
  const std::string& name(std::size_t account) const { return accounts_.at(account).name; }
  std::optional<std::size_t> find(std::string_view name) const;
  AccountStatus status(std::size_t account) const;
  PoolCounters counters() const noexcept {
    PoolCounters c = counters_;
    c.waiters = waiters_.size();
    return c;
  }
  // Leases out right now, over all accounts.
  int in_flight() const noexcept;
  // Notified whenever a lease comes back: how a drain waits for an account's requests to end.
  async::Event& returned() noexcept { return returned_; }

 private:
  friend class AccountLease;
  struct Account {
    Account(std::string account_name, AccountHealth account_health, std::shared_ptr<client::FloodMemory> memory)
        : name(std::move(account_name)), health(std::move(account_health)), floods(std::move(memory)) {}
    std::string name;
    AccountHealth health;
    std::shared_ptr<client::FloodMemory> floods;
    bool available = true;
    std::optional<Clock::time_point> valid_until;
    int in_flight = 0;
    Clock::time_point last_granted{};

    bool ours(Clock::time_point now) const { return available && (!valid_until || now < *valid_until); }
  };
  // A request waiting in line; lives in its lease() frame.
  struct Waiter {
    AccountPool* pool;  // null once the pool is gone
    const LeaseRequest* request;
    // Woken when granted, or poked to look again (an account retired or changed hands); otherwise its next look
    // comes at a flood wait or quarantine ending, or at its deadline.
    async::Wakeup wakeup;
    std::optional<std::size_t> granted;  // handed an account by dispatch()
    Clock::time_point granted_at{};
  };
  class Queued;
  // The best account for `request` now, if one can take it.
  std::optional<std::size_t> pick(const LeaseRequest& request, Clock::time_point now) const;
  void grant(std::size_t account, Clock::time_point now);
  // Hands free accounts to waiters in arrival order, each the best one it can use.
  void dispatch(Clock::time_point now);
  bool any_free(Clock::time_point now) const;
  // Wakes every waiter to look again: what they wait for may have gone (retired, flood-waited, handed to another
  // replica). A poked waiter only checks whether it can still be served; nothing came free, so it does not
  // dispatch, which keeps a poke at waiters x accounts rather than waiters^2 x accounts.
  void poke_all();
  double load_score(const Account& a, std::string_view method) const;
  // Throws the PoolError for a request nothing can serve before its deadline; otherwise returns when to look
  // again (a flood wait or a quarantine ending), or nothing when only a release can help.
  std::optional<Clock::time_point> next_chance(const LeaseRequest& request, Clock::time_point now);
  // Throws PoolError(deadline) once the request's deadline has come.
  void refuse_if_past_deadline(const LeaseRequest& request, Clock::time_point now);
  void released(std::size_t account);
  void report_failure(std::size_t account);
  void report_retire(std::size_t account, std::string reason);

  std::vector<Account> accounts_;
  AccountPoolOptions options_;
  mutable PoolCounters counters_;  // pick() counts the accounts it looks at
  std::list<Waiter*> waiters_;  // in arrival order; a granted one stays until it comes back for its account
  async::Event returned_;
};

}  // namespace mtpipe::scale
