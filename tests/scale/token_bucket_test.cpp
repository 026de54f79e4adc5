#include "scale/token_bucket.h"

#include <gtest/gtest.h>

#include "scale/adaptive_rate.h"
#include "scale/method_class.h"

namespace mtpipe::scale {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
const Clock::time_point t0{};

TEST(TokenBucket, GivesTheBurstThenOneTokenPerPeriod) {
  TokenBucket b(2.0, 3, t0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(b.wait(t0), Clock::duration::zero());
    b.take(t0);
  }
  EXPECT_EQ(b.wait(t0), milliseconds(500));
  EXPECT_GT(b.wait(t0 + milliseconds(499)), Clock::duration::zero());
  EXPECT_EQ(b.wait(t0 + milliseconds(500)), Clock::duration::zero());
}

TEST(TokenBucket, KeepsNoMoreThanTheBurst) {
  TokenBucket b(10.0, 2, t0);
  b.take(t0);
  b.take(t0);
  EXPECT_DOUBLE_EQ(b.tokens(t0 + seconds(60)), 2.0);
}

TEST(TokenBucket, ANewRateKeepsTheTokensGathered) {
  TokenBucket b(1.0, 5, t0);
  for (int i = 0; i < 5; ++i) b.take(t0);
  b.set_rate(0.5, t0 + seconds(2));  // 2 tokens gathered at the old rate
  EXPECT_DOUBLE_EQ(b.tokens(t0 + seconds(2)), 2.0);
  EXPECT_DOUBLE_EQ(b.tokens(t0 + seconds(4)), 3.0);
}

TEST(TokenBucket, RateZeroMeansNoLimit) {
  TokenBucket b(0, 1, t0);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(b.wait(t0), Clock::duration::zero());
    b.take(t0);
  }
}

TEST(AdaptiveFactor, EachFloodWaitCutsAndTimeRestores) {
  AdaptiveFactor f({0.5, 0.1, 0.01});
  EXPECT_DOUBLE_EQ(f.value(t0), 1.0);
  f.on_flood_wait(t0);
  EXPECT_DOUBLE_EQ(f.value(t0), 0.5);
  f.on_flood_wait(t0);
  EXPECT_DOUBLE_EQ(f.value(t0), 0.25);
  EXPECT_DOUBLE_EQ(f.value(t0 + seconds(10)), 0.35);  // +0.01 a second
  EXPECT_DOUBLE_EQ(f.value(t0 + seconds(1000)), 1.0);
  for (int i = 0; i < 10; ++i) f.on_flood_wait(t0);
  EXPECT_DOUBLE_EQ(f.value(t0), 0.1);  // the floor
}

TEST(MethodClass, ResolveIsTheStrictestAndEveryNameHasAClass) {
  EXPECT_EQ(classify("contacts.resolveUsername"), MethodClass::resolve);
  EXPECT_EQ(classify("messages.getHistory"), MethodClass::history);
  EXPECT_EQ(classify("channels.getFullChannel"), MethodClass::full_info);
  EXPECT_EQ(classify("stats.getBroadcastStats"), MethodClass::stats);
  EXPECT_EQ(classify("messages.getMessagesViews"), MethodClass::views);
  EXPECT_EQ(classify("upload.getFile"), MethodClass::files);
  EXPECT_EQ(classify("help.getNearestDc"), MethodClass::other);
  for (int c = 0; c < kMethodClasses; ++c)
    EXPECT_LE(default_class_limit(MethodClass::resolve).rate_per_s, default_class_limit(static_cast<MethodClass>(c)).rate_per_s)
        << to_string(static_cast<MethodClass>(c));
}

}  // namespace
}  // namespace mtpipe::scale
