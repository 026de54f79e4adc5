#include "scale/redis/shared_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace mtpipe::scale::redis {
namespace {

// KEYS[i]: bucket i's theoretical arrival time (TAT, server µs). ARGV[2i-1], ARGV[2i]: its interval (µs per token;
// 0: no limit) and burst. As TokenBucket: a request may go when TAT - (burst - 1) intervals <= now, and a grant
// moves TAT to max(TAT, now) + interval. Returns {1, 0, 0} when granted, else {0, wait µs, i} for the bucket that
// waits longest (1-based), having written nothing. A key lives until its bucket is full again, and a second more.
const RedisScript& gcra_script() {
  static const RedisScript script(std::string(kLuaServerNow) + R"lua(
local tats, wait, limited = {}, 0, 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  if interval > 0 then
    local tat = math.max(tonumber(redis.call('GET', key) or now_us), now_us)
    tats[i] = tat
    local bucket_wait = tat - interval * (tonumber(ARGV[2 * i]) - 1) - now_us
    if bucket_wait > wait then wait, limited = bucket_wait, i end
  end
end
if limited > 0 then return {0, wait, limited} end
for i, key in ipairs(KEYS) do
  if tats[i] then
    local tat = tats[i] + tonumber(ARGV[2 * i - 1])
    local full_again_ms = math.ceil((tat - now_us) / 1000)
    redis.call('SET', key, string.format('%d', tat), 'PX', full_again_ms + 1000)
  end
end
return {1, 0, 0}
)lua");
  return script;
}

// The arithmetic of TokenBucket, in whole microseconds: rate 0 or less is no limit, a burst below one is one.
std::string interval_us(double rate_per_s) {
  if (rate_per_s <= 0) return "0";
  return std::to_string(std::max<long long>(std::llround(1e6 / rate_per_s), 1));
}

std::string whole_burst(double burst) { return std::to_string(static_cast<long long>(std::max(std::floor(burst), 1.0))); }

}  // namespace

SharedRateLimiter::SharedRateLimiter(RedisClient& redis, std::string key_prefix)
    : redis_(redis), prefix_(std::move(key_prefix)) {}

boost::asio::awaitable<SharedAdmission> SharedRateLimiter::admit(std::vector<BucketSpec> buckets) {
  std::vector<std::string> keys, args;
  for (const BucketSpec& bucket : buckets) {
    keys.push_back(key(bucket.name));
    args.push_back(interval_us(bucket.rate_per_s));
    args.push_back(whole_burst(bucket.burst));
  }
  const RedisReply reply = co_await redis_.eval(gcra_script(), keys, args);
  const auto& answer = reply.as_array(3);
  SharedAdmission admission;
  admission.granted = answer[0].as_integer() == 1;
  if (!admission.granted) {
    admission.wait = std::chrono::microseconds(answer[1].as_integer());
    const auto index = static_cast<std::size_t>(answer[2].as_integer() - 1);
    if (index >= buckets.size()) throw RedisError(RedisError::Kind::protocol, "rate script named bucket " + std::to_string(index + 1) + " of " + std::to_string(buckets.size()));
    admission.limited_index = index;
  }
  co_return admission;
}

}  // namespace mtpipe::scale::redis
