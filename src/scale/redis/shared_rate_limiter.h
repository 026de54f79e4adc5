#pragma once
// The rate limiter's buckets shared by every replica (issue 5 point 2): the same GCRA as scale/token_bucket.h
// (one "theoretical arrival time" per bucket in integer ticks, here microseconds of the Redis server's clock, so
// every replica reads one clock), run as one Lua script so that checking and taking are atomic across replicas.
// One admit() checks a list of buckets, typically the global one and the account's: the request goes only when
// every bucket has a token, and then takes one from each; otherwise nothing is taken and the answer says how long
// to wait and which bucket is the reason. A bucket's key expires once it has been idle long enough to be full
// again (a missing key reads as a full bucket), so idle accounts leave nothing behind.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scale/redis/redis_client.h"

namespace mtpipe::scale::redis {

struct BucketSpec {
  std::string name;          // the bucket's key below the prefix, e.g. "global" or "account:alice"
  double rate_per_s = 0;     // tokens a second; 0 or less: no limit (the bucket is skipped)
  double burst = 1;          // at most this many tokens (rounded down, at least 1)
};

struct SharedAdmission {
  bool granted = false;
  std::chrono::microseconds wait{};            // when refused: until the limiting bucket has a token
  std::optional<std::size_t> limited_index;    // when refused: the bucket (index into the list) that waits longest
};

class SharedRateLimiter {
 public:
  explicit SharedRateLimiter(RedisClient& redis, std::string key_prefix = "mtpipe:");

  // One round trip. Throws RedisError (the limiter cannot decide without Redis; the caller chooses whether to
  // fall back to its local limiter). Buckets by value: a coroutine must not hold its caller's temporaries.
  boost::asio::awaitable<SharedAdmission> admit(std::vector<BucketSpec> buckets);

  // The key a bucket lives under (for tests and operators).
  std::string key(const std::string& bucket_name) const { return prefix_ + "rate:" + bucket_name; }

 private:
  RedisClient& redis_;
  std::string prefix_;
};

}  // namespace mtpipe::scale::redis
