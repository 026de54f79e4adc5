#include "scale/rate_limiter.h"

#include <gtest/gtest.h>

namespace mtpipe::scale {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
const Clock::time_point t0{};

RateLimits only_global(double rps, double burst) {
  RateLimits l;
  l.global_rps = rps;
  l.global_burst = burst;
  l.account_rps = 0;
  l.per_class = false;
  return l;
}

// Greedy callers asking every millisecond for 60 s get exactly burst + rate × 60 grants: the rate is kept to
// the request, with no drift.
TEST(RateLimiter, TheGlobalRateHoldsOverAMinuteOfGreedyDemand) {
  RateLimiter limiter(only_global(2.5, 5), t0);
  int granted = 0;
  for (int ms = 0; ms <= 60'000; ++ms) {
    const std::string account = "a" + std::to_string(ms % 8);  // eight accounts share the global bucket
    if (limiter.admit(account, "messages.getHistory", t0 + milliseconds(ms)).granted) ++granted;
  }
  EXPECT_EQ(granted, 5 + 150);
  EXPECT_EQ(limiter.counters().granted, 155u);
  EXPECT_GT(limiter.counters().limited[static_cast<std::size_t>(Limit::global)], 0u);
}

TEST(RateLimiter, ARefusalTakesNothingAndSaysWhichLimitAndHowLong) {
  RateLimits l;
  l.global_rps = 100;
  l.account_rps = 1;
  l.account_burst = 1;
  RateLimiter limiter(l, t0);
  EXPECT_TRUE(limiter.admit("a", "help.getNearestDc", t0).granted);
  const auto refused = limiter.admit("a", "help.getNearestDc", t0);
  EXPECT_FALSE(refused.granted);
  EXPECT_EQ(refused.limited_by, Limit::account);
  EXPECT_EQ(refused.wait, seconds(1));
  // Another account is not held back by the first one's limit.
  EXPECT_TRUE(limiter.admit("b", "help.getNearestDc", t0).granted);
  EXPECT_TRUE(limiter.admit("a", "help.getNearestDc", t0 + seconds(1)).granted);
}

TEST(RateLimiter, ResolvingIsHeldToItsOwnStricterClassLimit) {
  RateLimits l;
  l.global_rps = 0;
  l.account_rps = 0;
  RateLimiter limiter(l, t0);
  const ClassLimit resolve = default_class_limit(MethodClass::resolve);
  for (int i = 0; i < static_cast<int>(resolve.burst); ++i)
    ASSERT_TRUE(limiter.admit("a", "contacts.resolveUsername", t0).granted);
  const auto refused = limiter.admit("a", "contacts.resolveUsername", t0);
  EXPECT_EQ(refused.limited_by, Limit::method_class);
  EXPECT_EQ(refused.wait, std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(1 / resolve.rate_per_s)));
  EXPECT_TRUE(limiter.admit("a", "messages.getHistory", t0).granted);  // other classes are untouched
}

TEST(RateLimiter, AFloodWaitCutsThatAccountsRateForThatClassOnly) {
  RateLimits l;
  l.adaptive = {0.5, 0.05, 1.0 / 600};
  RateLimiter limiter(l, t0);
  const double base = default_class_limit(MethodClass::history).rate_per_s;
  limiter.on_flood_wait("a", "messages.getHistory", t0);
  EXPECT_DOUBLE_EQ(limiter.class_rate("a", MethodClass::history, t0), base * 0.5);
  EXPECT_DOUBLE_EQ(limiter.class_rate("a", MethodClass::views, t0), default_class_limit(MethodClass::views).rate_per_s);
  EXPECT_DOUBLE_EQ(limiter.class_rate("b", MethodClass::history, t0), base);
  // It climbs back slowly: halfway after 150 s, whole after 300 s.
  EXPECT_DOUBLE_EQ(limiter.class_rate("a", MethodClass::history, t0 + seconds(150)), base * 0.75);
  EXPECT_DOUBLE_EQ(limiter.class_rate("a", MethodClass::history, t0 + seconds(300)), base);
  EXPECT_EQ(limiter.counters().flood_cuts, 1u);
}

TEST(RateLimiter, WithEveryLimitOffEverythingIsGranted) {
  RateLimits l;
  l.global_rps = 0;
  l.account_rps = 0;
  l.per_class = false;
  RateLimiter limiter(l, t0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(limiter.admit("a", "contacts.resolveUsername", t0).granted);
}

}  // namespace
}  // namespace mtpipe::scale

namespace mtpipe::scale {
namespace {

TEST(ClassLimits, ASpecOverridesSomeClassesAndKeepsTheDefaultsOfTheRest) {
  const auto limits = parse_class_limits("other=50/10,history=2.5/5");
  EXPECT_EQ(limits[static_cast<std::size_t>(MethodClass::other)].rate_per_s, 50);
  EXPECT_EQ(limits[static_cast<std::size_t>(MethodClass::other)].burst, 10);
  EXPECT_EQ(limits[static_cast<std::size_t>(MethodClass::history)].rate_per_s, 2.5);
  EXPECT_EQ(limits[static_cast<std::size_t>(MethodClass::resolve)].rate_per_s,
            default_class_limit(MethodClass::resolve).rate_per_s);
  EXPECT_EQ(parse_class_limits("")[0].rate_per_s, default_class_limits()[0].rate_per_s);
}

TEST(ClassLimits, ABadSpecNamesItsBadPart) {
  for (const char* bad : {"other", "nosuch=1/1", "other=x/1", "other=1/0", "other=-1/2", "other=1/2x"}) {
    try {
      (void)parse_class_limits(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(bad).substr(0, 5)), std::string::npos) << e.what();
    }
  }
}

TEST(ClassLimits, TheLimiterUsesTheOverriddenClassRate) {
  RateLimits l;
  l.global_rps = 0;
  l.account_rps = 0;
  l.classes = parse_class_limits("other=100/3");
  const Clock::time_point t0{};
  RateLimiter limiter(l, t0);
  int granted = 0;
  for (int i = 0; i < 10; ++i) granted += limiter.admit("a", "users.getUsers", t0).granted;
  EXPECT_EQ(granted, 3);  // the burst
  EXPECT_TRUE(limiter.admit("a", "users.getUsers", t0 + std::chrono::milliseconds(10)).granted);  // 100/s: one per 10 ms
}

}  // namespace
}  // namespace mtpipe::scale
