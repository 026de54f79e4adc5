#pragma once
// Which accounts this replica drives. An account is driven only while this replica holds its Redis lease, and the
// rules below keep that true whatever Redis does (dies, restarts empty, pauses, answers late):
//   - Every round (a quarter of the TTL, at most 500 ms) one script call heartbeats the replica, renews every held
//     lease and counts the live replicas; then the replica takes free accounts up to its fair share
//     ceil(accounts / live replicas) and hands extras back.
//   - A lease is valid locally until `sent + TTL - margin`, `sent` being when the renewal that extended it was
//     sent: Redis started the TTL no earlier than that, so the local end always comes first. The pool refuses new
//     requests on an account past that point, and a timer drops the account (its connections closed) when it
//     comes, even while a round is stuck waiting for a slow Redis.
//   - An error in any phase of a round (heartbeat, renewal, taking, handing back) ends the round; leases are then
//     dropped only as their local validity runs out, so a short Redis hiccup costs nothing and a long one drops
//     the accounts before another replica could take them.
//   - The lease owner is the replica id plus a random part drawn per process, so two processes with the same id
//     (containers with the same hostname, PID 1) never share a lease.
//   - Taking over an account reloads its session from the file its previous holder saved; handing one back first
//     drains it (no new requests, in-flight ones finish, the session is still saved while they do), then saves
//     the session, closes the connections and releases the lease. Saves are fenced by the lease's token.
// A replica that dies loses its accounts to the others within TTL + one round.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "scale/account_pool.h"
#include "scale/redis/lease_store.h"
#include "scale/redis/leased_accounts.h"

namespace mtpipe::scale::redis {

struct ReplicaLeaseOptions {
  std::string replica;                     // MTPIPE_REPLICA_ID: names this replica in logs and in the owner
  std::chrono::milliseconds ttl{10'000};   // MTPIPE_LEASE_TTL_MS
  // Told the live replicas (at least 1) after every round that reached Redis: what shares the global rate
  // when Redis is gone (SharedRateGate::set_replicas).
  std::function<void(std::size_t)> on_live_replicas;
};

struct ReplicaLeaseCounters {
  std::uint64_t acquired = 0, renewed = 0, handed_back = 0, rounds = 0, failed_rounds = 0;
  std::uint64_t lost = 0;     // renewal refused: the lease is gone or another owner's
  std::uint64_t expired = 0;  // dropped when its local validity ran out unrenewed
  std::uint64_t fenced = 0;   // dropped because a newer holder's token was on the session file
};

class ReplicaLeases {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // `accounts` starts, saves and stops the pool's accounts by index. Marks every account unavailable until its
  // lease is held.
  ReplicaLeases(boost::asio::any_io_executor executor, LeaseStore& store, AccountPool& pool, LeasedAccounts& accounts,
                ReplicaLeaseOptions options);
  ~ReplicaLeases();
  ReplicaLeases(const ReplicaLeases&) = delete;
  ReplicaLeases& operator=(const ReplicaLeases&) = delete;

  // Rounds until cancelled (then throws async::Cancelled).
  boost::asio::awaitable<void> run();
  // One round. Throws nothing but the cancellation of the awaiting coroutine: a failure is logged and counted.
  boost::asio::awaitable<void> round();
  // A clean exit: every account is made unavailable and drained (within `drain`), its session saved, its
  // connections closed and its lease released; the replica leaves the registry so the others take over at once
  // instead of after the TTL.
  boost::asio::awaitable<void> release_all(std::chrono::milliseconds drain);
  // The account's session file carries a newer holder's token: this replica is not its holder any more.
  void fenced_out(std::size_t account, const std::string& why);

  std::chrono::milliseconds period() const noexcept;
  // How long before the TTL (counted from a renewal's sending) a lease stops being valid locally.
  std::chrono::milliseconds margin() const noexcept;
  // The owner written on this replica's leases: the replica id and this process's random part.
  const std::string& owner() const noexcept { return owner_; }
  std::size_t held() const noexcept { return held_.size(); }
  bool holds(std::size_t account) const { return held_.contains(account); }
  std::optional<SteadyClock::time_point> valid_until(std::size_t account) const;
  const ReplicaLeaseCounters& counters() const noexcept { return counters_; }

 private:
  struct Held {
    std::int64_t token = 0;
    SteadyClock::time_point valid_until;
    bool draining = false;  // handed back once its requests end
  };
  boost::asio::awaitable<void> keep_alive();
  boost::asio::awaitable<void> take_share(std::size_t share);
  // Drains the accounts beyond `share` and hands back those whose requests have ended.
  boost::asio::awaitable<void> rebalance(std::size_t share);
  // let_go, then releases the lease.
  boost::asio::awaitable<void> hand_back(std::size_t account);
  // Saves the session and stops the account; returns the token its lease was held with.
  std::int64_t let_go(std::size_t account);
  void hold(std::size_t account, std::int64_t token, SteadyClock::time_point sent);
  void extend(Held& held, std::size_t account, SteadyClock::time_point sent);
  // Stops driving the account now: no new leases, connections closed.
  void drop(std::size_t account, const std::string& why);
  void drop_expired();
  // Arms the timer for the earliest local expiry.
  void watch_expiry();

  LeaseStore& store_;
  AccountPool& pool_;
  LeasedAccounts& accounts_;
  ReplicaLeaseOptions options_;
  std::string owner_;
  std::map<std::size_t, Held> held_;
  std::size_t live_ = 0;  // live replicas at the last keep-alive
  // Accounts this replica could not start (their session did not load), and when it tries each again.
  std::map<std::size_t, SteadyClock::time_point> unstartable_;
  boost::asio::steady_timer expiry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // the expiry handler's check that we still exist
  ReplicaLeaseCounters counters_;
};

}  // namespace mtpipe::scale::redis
