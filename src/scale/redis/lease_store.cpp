#include "scale/redis/lease_store.h"

#include <algorithm>

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
namespace {

// KEYS[1]: the lease hash, KEYS[2]: the account's last token, KEYS[3]: the lease epoch {run, began}. ARGV: owner,
// ttl ms. Returns the token, or nil when another owner holds the lease or the epoch is younger than one TTL.
// The epoch is this Redis run (INFO's run_id, new at every start and on a promoted replica) and when the lease data
// began to be its: data written by an earlier run (lost, restored from disk, or a primary's that failed over) may
// lack grants whose holders still drive on local validity, so nothing is granted - not even an owner's own lease
// back - until one TTL after a new run first served a grant. Tokens are written with %.0f: Lua numbers are doubles,
// whose default text form (%.14g) would round a 16-digit token.
const RedisScript& acquire_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local epoch = redis.call('HMGET', KEYS[3], 'run', 'began')
local began = tonumber(epoch[2])
if epoch[1] ~= run or not began then
  began = now_ms
  redis.call('HSET', KEYS[3], 'run', run, 'began', string.format('%.0f', began))
end
if now_ms < began + tonumber(ARGV[2]) then return false end
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] then
  if held[1] ~= ARGV[1] then return false end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(held[2])
end
local token = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now_us)
local text = string.format('%.0f', token)
redis.call('SET', KEYS[2], text)
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', text)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return token
)lua");
  return script;
}

// Release acts only when the lease is held by ARGV[1] with token ARGV[2]; else it answers 0.
constexpr const char* kHeldByCaller = R"lua(
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
)lua";

const RedisScript& release_script() {
  static const RedisScript script(std::string(kHeldByCaller) + "return redis.call('DEL', KEYS[1])\n");
  return script;
}

// Owner, token and time left read together, so they belong to one and the same lease.
const RedisScript& holder_script() {
  static const RedisScript script(R"lua(
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if not held[1] then return false end
return {held[1], tonumber(held[2]), redis.call('PTTL', KEYS[1])}
)lua");
  return script;
}

// KEYS[1]: the registry, KEYS[2..]: held leases. ARGV: owner, ttl ms, then each lease's token. Returns the live
// replicas (this one included) and, per lease, 1 when it was renewed.
const RedisScript& keep_alive_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
redis.call('ZADD', KEYS[1], now_ms + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
local kept = {}
for i = 2, #KEYS do
  local held = redis.call('HMGET', KEYS[i], 'owner', 'token')
  if held[1] == ARGV[1] and held[2] == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    kept[i - 1] = 1
  else
    kept[i - 1] = 0
  end
end
return {redis.call('ZCARD', KEYS[1]), kept}
)lua");
  return script;
}

const RedisScript& live_replicas_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua");
  return script;
}

}  // namespace

LeaseStore::LeaseStore(RedisClient& redis, std::string key_prefix) : redis_(redis), prefix_(std::move(key_prefix)) {}

// Keys and arguments are named locals: a braced list inside a co_await does not compile with g++ 12.
asio::awaitable<std::optional<std::int64_t>> LeaseStore::acquire(std::string account, std::string owner,
                                                                  std::chrono::milliseconds ttl) {
  const std::vector<std::string> keys{lease_key(account), token_key(account), epoch_key()}, args{owner, ms_text(ttl)};
  const RedisReply reply = co_await redis_.eval(acquire_script(), keys, args);
  if (reply.is_nil()) co_return std::nullopt;
  co_return reply.as_integer();
}

asio::awaitable<KeepAlive> LeaseStore::keep_alive(std::string owner, std::vector<HeldLease> held,
                                                   std::chrono::milliseconds ttl) {
  std::vector<std::string> keys{replicas_key()}, args{std::move(owner), ms_text(ttl)};
  for (const auto& lease : held) {
    keys.push_back(lease_key(lease.account));
    args.push_back(std::to_string(lease.token));
  }
  const RedisReply reply = co_await redis_.eval(keep_alive_script(), keys, args);
  const auto& parts = reply.as_array(2);
  KeepAlive out;
  out.live_replicas = static_cast<std::size_t>(parts[0].as_integer());
  // An empty Lua table comes back as an empty array.
  for (const RedisReply& flag : parts[1].as_array()) out.kept.push_back(flag.as_integer() == 1);
  if (out.kept.size() != held.size())
    throw RedisError(RedisError::Kind::protocol, "lease keep-alive answered " + std::to_string(out.kept.size()) +
                                                     " flags for " + std::to_string(held.size()) + " leases");
  co_return out;
}

asio::awaitable<bool> LeaseStore::release(std::string account, std::string owner, std::int64_t token) {
  const std::vector<std::string> keys{lease_key(account)}, args{owner, std::to_string(token)};
  const RedisReply reply = co_await redis_.eval(release_script(), keys, args);
  co_return reply.as_integer() == 1;
}

asio::awaitable<std::optional<Lease>> LeaseStore::holder(std::string account) {
  const std::vector<std::string> keys{lease_key(account)}, no_args;
  const RedisReply reply = co_await redis_.eval(holder_script(), keys, no_args);
  if (reply.is_nil()) co_return std::nullopt;
  const auto& fields = reply.as_array(3);
  co_return Lease{fields[0].as_string(), fields[1].as_integer(), std::chrono::milliseconds(fields[2].as_integer())};
}

asio::awaitable<void> LeaseStore::leave(std::string replica) {
  const std::string key = replicas_key();
  co_await redis_.command("ZREM", key, replica);
}

asio::awaitable<std::vector<std::string>> LeaseStore::live_replicas() {
  const std::vector<std::string> keys{replicas_key()}, no_args;
  const RedisReply reply = co_await redis_.eval(live_replicas_script(), keys, no_args);
  std::vector<std::string> names;
  for (const RedisReply& name : reply.as_array()) names.push_back(name.as_string());
  std::sort(names.begin(), names.end());
  co_return names;
}

std::size_t fair_share(std::size_t accounts, std::size_t live_replicas) noexcept {
  if (live_replicas == 0) return accounts;
  return (accounts + live_replicas - 1) / live_replicas;
}

}  // namespace mtpipe::scale::redis
