#include "scale/redis/shared_proxy_health.h"

#include <algorithm>
#include <vector>

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
namespace {

// KEYS: the bans (sorted set, scored by end, server ms) and their reasons (hash). ARGV: proxy, duration ms, reason.
const RedisScript& ban_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
local ends = now_ms + tonumber(ARGV[2])
local current = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
if current and current >= ends then return 0 end
redis.call('ZADD', KEYS[1], ends, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
)lua");
  return script;
}

// Removes the bans that ended, then answers {proxy, ms left, reason, ...} for the others.
const RedisScript& banned_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
for _, proxy in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms)) do
  redis.call('ZREM', KEYS[1], proxy)
  redis.call('HDEL', KEYS[2], proxy)
end
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #live, 2 do
  out[#out + 1] = live[i]
  out[#out + 1] = tonumber(live[i + 1]) - now_ms
  out[#out + 1] = redis.call('HGET', KEYS[2], live[i]) or ''
end
return out
)lua");
  return script;
}

const RedisScript& clear_script() {
  static const RedisScript script("redis.call('ZREM', KEYS[1], ARGV[1])\nreturn redis.call('HDEL', KEYS[2], ARGV[1])\n");
  return script;
}

}  // namespace

SharedProxyHealth::SharedProxyHealth(RedisClient& redis, std::string key_prefix)
    : redis_(redis), prefix_(std::move(key_prefix)) {}

// Keys and arguments are named locals: a braced list inside a co_await does not compile with g++ 12.
asio::awaitable<void> SharedProxyHealth::ban(std::string proxy_name, std::chrono::milliseconds duration,
                                             std::string reason) {
  const std::vector<std::string> keys{bans_key(), reasons_key()},
      args{proxy_name, ms_text(duration), reason};
  co_await redis_.eval(ban_script(), keys, args);
}

asio::awaitable<std::map<std::string, SharedBan>> SharedProxyHealth::banned() {
  const std::vector<std::string> keys{bans_key(), reasons_key()}, no_args;
  const RedisReply reply = co_await redis_.eval(banned_script(), keys, no_args);
  const auto& fields = reply.as_array();
  if (fields.size() % 3 != 0) throw RedisError(RedisError::Kind::protocol, "ban list of " + std::to_string(fields.size()) + " fields");
  std::map<std::string, SharedBan> bans;
  for (std::size_t i = 0; i < fields.size(); i += 3)
    bans[fields[i].as_string()] = SharedBan{std::chrono::milliseconds(fields[i + 1].as_integer()), fields[i + 2].as_string()};
  co_return bans;
}

asio::awaitable<void> SharedProxyHealth::clear(std::string proxy_name) {
  const std::vector<std::string> keys{bans_key(), reasons_key()}, args{proxy_name};
  co_await redis_.eval(clear_script(), keys, args);
}

}  // namespace mtpipe::scale::redis
