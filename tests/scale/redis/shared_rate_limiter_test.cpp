// The shared GCRA script against a real redis-server. Exact grant counts, and waits bounded by one interval: the
// script reads the server's clock, so the tests use rates slow enough that the few milliseconds a test takes
// cannot refill a bucket.
#include "scale/redis/shared_rate_limiter.h"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <vector>

#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using std::chrono::microseconds;
using std::chrono::milliseconds;
using SharedRateLimiterTest = RedisFixture;

TEST_F(SharedRateLimiterTest, ABurstIsGrantedAtOnceAndTheNextWaitsAtMostOneInterval) {
  SharedRateLimiter limiter(*client, "test:");
  const BucketSpec bucket{"global", 10, 5};  // one token each 100 ms, five at most
  std::vector<SharedAdmission> answers;
  const std::vector<BucketSpec> buckets{bucket};
  auto admit = [&]() -> asio::awaitable<void> {
    const SharedAdmission answer = co_await limiter.admit(buckets);
    answers.push_back(answer);
  };
  // Issued together, the six scripts run back to back on the server, microseconds apart.
  for (int i = 0; i < 6; ++i) asio::co_spawn(io, admit(), asio::detached);
  run_until(io, [&] { return answers.size() == 6; });
  int granted = 0;
  for (const auto& answer : answers) granted += answer.granted;
  EXPECT_EQ(granted, 5);
  const SharedAdmission& refused = answers.back();
  ASSERT_FALSE(refused.granted);
  EXPECT_GT(refused.wait, microseconds(0));
  EXPECT_LE(refused.wait, milliseconds(100));
  EXPECT_EQ(refused.limited_index, 0u);

  // The key lives until the bucket is full again (500 ms after these grants), plus the one-second margin.
  auto ttl = [&]() -> asio::awaitable<std::int64_t> {
    const std::string key = limiter.key("global");
    const RedisReply reply = co_await client->command("PTTL", key);
    co_return reply.as_integer();
  };
  const std::int64_t pttl = run(io, ttl());
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 1500);
}

TEST_F(SharedRateLimiterTest, ARefusalTakesNothingFromTheBucketsThatHadTokens) {
  SharedRateLimiter limiter(*client, "test:");
  const BucketSpec account{"account:alice", 0.1, 1};  // one token per 10 s
  const BucketSpec global{"global", 0.1, 3};
  const std::vector<BucketSpec> both{global, account}, global_only{global};
  auto body = [&]() -> asio::awaitable<void> {
    const SharedAdmission first = co_await limiter.admit(both);
    EXPECT_TRUE(first.granted);
    const SharedAdmission second = co_await limiter.admit(both);
    EXPECT_FALSE(second.granted);
    EXPECT_EQ(second.limited_index, 1u);
    EXPECT_GT(second.wait, microseconds(0));
    EXPECT_LE(second.wait, milliseconds(10'000));
    // The global bucket gave one token to the first request and none to the refused one: two are left.
    const SharedAdmission third = co_await limiter.admit(global_only);
    const SharedAdmission fourth = co_await limiter.admit(global_only);
    const SharedAdmission fifth = co_await limiter.admit(global_only);
    EXPECT_TRUE(third.granted);
    EXPECT_TRUE(fourth.granted);
    EXPECT_FALSE(fifth.granted);
  };
  run(io, body());
}

TEST_F(SharedRateLimiterTest, TheLongestWaitDecides) {
  SharedRateLimiter limiter(*client, "test:");
  const BucketSpec fast{"fast", 10, 1}, slow{"slow", 0.1, 1};
  const std::vector<BucketSpec> both{fast, slow};
  auto body = [&]() -> asio::awaitable<void> {
    co_await limiter.admit(both);
    const SharedAdmission refused = co_await limiter.admit(both);
    EXPECT_FALSE(refused.granted);
    EXPECT_EQ(refused.limited_index, 1u);
    EXPECT_GT(refused.wait, milliseconds(100));  // the slow bucket's 10 s, not the fast one's 100 ms
  };
  run(io, body());
}

TEST_F(SharedRateLimiterTest, AnUnlimitedBucketIsSkippedAndLeavesNoKey) {
  SharedRateLimiter limiter(*client, "test:");
  const BucketSpec unlimited{"free", 0, 1};
  const std::vector<BucketSpec> buckets{unlimited};
  auto body = [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 20; ++i) {
      const SharedAdmission answer = co_await limiter.admit(buckets);
      EXPECT_TRUE(answer.granted);
    }
    const std::string key = limiter.key("free");
    const RedisReply exists = co_await client->command("EXISTS", key);
    EXPECT_EQ(exists.as_integer(), 0);
  };
  run(io, body());
}

TEST_F(SharedRateLimiterTest, ReplicasShareTheBuckets) {
  RedisClient other_replica = make_client();
  SharedRateLimiter mine(*client, "test:"), theirs(other_replica, "test:"), elsewhere(other_replica, "other:");
  const std::vector<BucketSpec> bucket{{"account:bob", 0.1, 2}};
  auto body = [&]() -> asio::awaitable<void> {
    const SharedAdmission a = co_await mine.admit(bucket);
    const SharedAdmission b = co_await theirs.admit(bucket);
    const SharedAdmission c = co_await mine.admit(bucket);
    const SharedAdmission d = co_await elsewhere.admit(bucket);  // another prefix: another bucket
    EXPECT_TRUE(a.granted);
    EXPECT_TRUE(b.granted);
    EXPECT_FALSE(c.granted);
    EXPECT_TRUE(d.granted);
  };
  run(io, body());
}

}  // namespace
}  // namespace mtpipe::scale::redis
