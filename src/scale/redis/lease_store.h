#pragma once
// Account leases across replicas: an account is worked by one replica at a time. A lease is a Redis hash
// {owner, token} with a TTL; the owner renews it well before the TTL runs out and loses it when it does not. Each
// grant carries a fencing token that only grows, so a replica that was paused past its TTL and comes back holding
// an old token can be told apart from the new holder: writes carry the token and the store refuses older ones.
// Tokens come from the server's clock (microseconds of Redis TIME, or one more than the last token when that is
// larger), not from a counter: a Redis that restarts without its data forgets every counter, and a counter starting
// again at 1 would let a stale holder out-rank the new one. Every check-then-act is one Lua script.
//
// The replica registry beside it: each replica heartbeats into a sorted set scored by when its entry expires (the
// server's clock); reading prunes the expired ones. A pool takes fair_share(accounts, live replicas) accounts.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scale/redis/redis_client.h"

namespace mtpipe::scale::redis {

struct Lease {
  std::string owner;
  std::int64_t token = 0;
  std::chrono::milliseconds remaining{};  // until the lease expires unless renewed
};

// A lease a replica holds, as it asks for it to be kept.
struct HeldLease {
  std::string account;
  std::int64_t token = 0;
};

// What one keep_alive round learnt: which of the held leases were extended (in the order given), and how many
// replicas are live after this one's heartbeat.
struct KeepAlive {
  std::vector<bool> kept;
  std::size_t live_replicas = 0;
};

// Virtual so tests can put failures and delays between the lease manager and a real server.
class LeaseStore {
 public:
  explicit LeaseStore(RedisClient& redis, std::string key_prefix = "mtpipe:");
  virtual ~LeaseStore() = default;
  LeaseStore(const LeaseStore&) = delete;
  LeaseStore& operator=(const LeaseStore&) = delete;

  // The account's lease for `owner` (unique per process: a replica id) for `ttl`: a new fencing token when the
  // account was free; nullopt when another owner holds it, or when this Redis run began less than `ttl` ago. When `owner` holds it already the lease is extended
  // and keeps its token, so an acquire retried after a lost reply does not lock its owner out.
  virtual boost::asio::awaitable<std::optional<std::int64_t>> acquire(std::string account, std::string owner,
                                                                       std::chrono::milliseconds ttl);
  // One round trip for a replica's round: heartbeats `owner` into the registry, renews every lease of `held` it
  // still holds with that token, and counts the live replicas.
  virtual boost::asio::awaitable<KeepAlive> keep_alive(std::string owner, std::vector<HeldLease> held,
                                                       std::chrono::milliseconds ttl);
  // Gives the lease up; false (and nothing changes) when it is not held by this owner and token.
  virtual boost::asio::awaitable<bool> release(std::string account, std::string owner, std::int64_t token);
  boost::asio::awaitable<std::optional<Lease>> holder(std::string account);

  // The replica leaves at once (a clean shutdown), instead of when its heartbeat runs out.
  virtual boost::asio::awaitable<void> leave(std::string replica);
  // The replicas whose heartbeat has not run out, sorted by name; expired ones are removed.
  boost::asio::awaitable<std::vector<std::string>> live_replicas();

  std::string lease_key(const std::string& account) const { return prefix_ + "lease:" + account; }
  std::string token_key(const std::string& account) const { return prefix_ + "lease-token:" + account; }
  std::string replicas_key() const { return prefix_ + "replicas"; }
  std::string epoch_key() const { return prefix_ + "lease-epoch"; }

 private:
  RedisClient& redis_;
  std::string prefix_;
};

// How many of `accounts` one of `live_replicas` should take: ceil(accounts / live), all of them when no replica
// is known to be alive (this one has not heartbeaten yet).
std::size_t fair_share(std::size_t accounts, std::size_t live_replicas) noexcept;

}  // namespace mtpipe::scale::redis
