#pragma once
// A Lua script run with EVALSHA by its SHA-1, so the source crosses the wire only when the server does not have
// it cached (NOSCRIPT: after a restart or SCRIPT FLUSH), and RedisClient::eval then loads it and tries again.

#include <string>

namespace mtpipe::scale::redis {

class RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const noexcept { return source_; }
  // Lower-case hex, as SCRIPT LOAD answers it.
  const std::string& sha1() const noexcept { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

// Every coordination script reads the server's clock, so that all replicas judge expiry and rates by one clock:
// `now_ms` and `now_us` (integers in Lua's doubles: exact below 2^53 µs, year 2255). Redis 7 replicates scripts by
// their effects, which is what makes TIME allowed before writes.
inline constexpr const char* kLuaServerNow =
    "local server_time = redis.call('TIME')\n"
    "local now_us = tonumber(server_time[1]) * 1000000 + tonumber(server_time[2])\n"
    "local now_ms = math.floor(now_us / 1000)\n";

}  // namespace mtpipe::scale::redis
