#pragma once
// Which accounts this replica drives (issue 5 point 6). An account is driven only while this replica holds its
// Redis lease; every round (a quarter of the TTL, at most 500 ms) the replica heartbeats, renews its leases, takes
// free accounts up to its fair share ceil(accounts / live replicas) and hands back extras once their requests have
// drained. A lease that cannot be renewed in time is dropped at once - the account's connections are closed
// before the TTL can run out - so two replicas never drive one account (no AUTH_KEY_DUPLICATED), and a replica
// that dies loses its accounts to the others within TTL + one round.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "client/client.h"
#include "scale/account_pool.h"
#include "scale/redis/lease_store.h"

namespace mtpipe::scale::redis {

struct ReplicaLeaseOptions {
  std::string replica;                     // MTPIPE_REPLICA_ID: unique among live replicas
  std::chrono::milliseconds ttl{10'000};   // MTPIPE_LEASE_TTL_MS
  // Told the live replicas (at least 1) after every round that reached Redis: what shares the global rate
  // when Redis is gone (SharedRateGate::set_replicas).
  std::function<void(std::size_t)> on_live_replicas;
};

struct ReplicaLeaseCounters {
  std::uint64_t acquired = 0, renewed = 0, lost = 0, handed_back = 0, rounds = 0, redis_errors = 0;
};

class ReplicaLeases {
 public:
  // `clients[i]` drives the pool's account i. Marks every account unavailable until its lease is held.
  ReplicaLeases(LeaseStore& store, AccountPool& pool, std::vector<client::Client*> clients, ReplicaLeaseOptions options);

  // Rounds until cancelled.
  boost::asio::awaitable<void> run();
  // One round.
  boost::asio::awaitable<void> round();
  // A clean exit: every account is made unavailable, drained (within `drain`), closed and its lease released;
  // the replica leaves the registry so the others take over at once instead of after the TTL.
  boost::asio::awaitable<void> release_all(std::chrono::milliseconds drain);

  std::chrono::milliseconds period() const noexcept;
  std::size_t held() const noexcept { return held_.size(); }
  bool holds(std::size_t account) const { return held_.contains(account); }
  const ReplicaLeaseCounters& counters() const noexcept { return counters_; }

 private:
  struct Held {
    std::int64_t token = 0;
    std::chrono::steady_clock::time_point renewed;
  };
  boost::asio::awaitable<void> renew_all();
  boost::asio::awaitable<void> take_share(std::size_t share);
  boost::asio::awaitable<void> hand_back_extras(std::size_t share);
  // Stops driving the account now: no new leases, connections closed.
  void drop(std::size_t account, const std::string& why);

  LeaseStore& store_;
  AccountPool& pool_;
  std::vector<client::Client*> clients_;
  ReplicaLeaseOptions options_;
  std::map<std::size_t, Held> held_;
  ReplicaLeaseCounters counters_;
};

}  // namespace mtpipe::scale::redis
