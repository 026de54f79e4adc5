#pragma once
// Proxy bans shared by the replicas (issue 5 point 6): a proxy one replica found dead is avoided by all of them
// until the ban runs out. Bans live in a sorted set scored by when they end (the server's clock) and a hash of
// reasons; reading removes the bans that ended. Name proxies by ProxyUrl::identity(): whatever is passed here is
// stored in Redis and read back by every replica, so it must hold no credentials, yet tell apart two proxies that
// differ only in them (their redacted forms are equal).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <string>

#include "scale/redis/redis_client.h"

namespace mtpipe::scale::redis {

struct SharedBan {
  std::chrono::milliseconds remaining{};
  std::string reason;
};

class SharedProxyHealth {
 public:
  explicit SharedProxyHealth(RedisClient& redis, std::string key_prefix = "mtpipe:");

  // Bans the proxy for `duration` from now. A ban that already runs longer is kept as it is (two replicas that
  // both saw the proxy fail do not shorten each other's ban).
  boost::asio::awaitable<void> ban(std::string proxy_name, std::chrono::milliseconds duration, std::string reason);
  // The proxies banned now, with the time each ban has left.
  boost::asio::awaitable<std::map<std::string, SharedBan>> banned();
  // Lifts the proxy's ban (a health check passed).
  boost::asio::awaitable<void> clear(std::string proxy_name);

  std::string bans_key() const { return prefix_ + "proxy-bans"; }
  std::string reasons_key() const { return prefix_ + "proxy-ban-reasons"; }

 private:
  RedisClient& redis_;
  std::string prefix_;
};

}  // namespace mtpipe::scale::redis
