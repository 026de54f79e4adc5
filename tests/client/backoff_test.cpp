#include "client/backoff.h"

#include <gtest/gtest.h>

namespace mtpipe::client {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsByTheFactorUpToTheCap) {
  const BackoffPolicy p{milliseconds(100), 2.0, milliseconds(1000)};
  // unit_random 1.0 gives the full (unjittered) delay.
  EXPECT_EQ(backoff_delay(p, 0, 1.0), milliseconds(0));
  EXPECT_EQ(backoff_delay(p, 1, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(p, 2, 1.0), milliseconds(200));
  EXPECT_EQ(backoff_delay(p, 4, 1.0), milliseconds(800));
  EXPECT_EQ(backoff_delay(p, 5, 1.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(p, 10'000, 1.0), milliseconds(1000));  // no overflow
}

TEST(Backoff, JitterScalesBetweenHalfAndAll) {
  const BackoffPolicy p{milliseconds(100), 2.0, milliseconds(1000)};
  EXPECT_EQ(backoff_delay(p, 3, 0.0), milliseconds(200));
  EXPECT_EQ(backoff_delay(p, 3, 0.5), milliseconds(300));
  EXPECT_EQ(backoff_delay(p, 3, 5.0), milliseconds(400));  // out-of-range draws are clamped
}

}  // namespace
}  // namespace mtpipe::client
