// InternalRetry: a 5xx is retried after the back-off pause when running twice is allowed, the budget lasts and
// the pause ends before the deadline.
#include "client/call/internal_retry.h"

#include <gtest/gtest.h>

#include "call_fixture.h"

namespace mtpipe::testing {
namespace {

struct Harness {
  FakeStep next;
  client::ClientStats stats;
  FakeSleep sleep;
  client::InternalRetry retry{next, client::BackoffPolicy{std::chrono::milliseconds(100), 2.0, std::chrono::milliseconds(100)},
                              2, crypto::system_rng(), stats, sleep.sleep()};
};

TEST(InternalRetry, RetriesA5xxAfterTheBackoffPause) {
  Harness h;
  h.next.outcomes = {rpc(500, "INTERNAL"), rpc(-503, "Timeout"), client::Answer{1}};
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.retry, call)));
  EXPECT_EQ(h.next.seen.size(), 3u);
  ASSERT_EQ(h.sleep.pauses.size(), 2u);
  for (const auto pause : h.sleep.pauses) {
    EXPECT_GE(pause, std::chrono::milliseconds(50));  // the policy's jitter: half to all of the pause
    EXPECT_LE(pause, std::chrono::milliseconds(100));
  }
  EXPECT_EQ(h.stats.retried_internal, 2u);
}

TEST(InternalRetry, StopsWhenTheBudgetIsSpent) {
  Harness h;
  h.next.outcomes = {rpc(500, "INTERNAL")};
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.retry, call)), client::RpcErrorKind::internal);
  EXPECT_EQ(h.next.seen.size(), 3u);
}

TEST(InternalRetry, DoesNotRetryWhatMustRunOnceOrWhatThePauseWouldMakeLate) {
  Harness h;
  h.next.outcomes = {rpc(500, "INTERNAL")};
  auto once = call_for();
  once.resend_after_reconnect = false;
  EXPECT_EQ(kind_of(send(h.retry, once)), client::RpcErrorKind::internal);
  auto late = call_for(std::chrono::milliseconds(10));
  EXPECT_EQ(kind_of(send(h.retry, late)), client::RpcErrorKind::internal);
  EXPECT_EQ(h.next.seen.size(), 2u);
  EXPECT_TRUE(h.sleep.pauses.empty());
}

TEST(InternalRetry, LeavesOtherErrorsAlone) {
  Harness h;
  h.next.outcomes = {rpc(400, "CHANNEL_PRIVATE")};
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.retry, call)), client::RpcErrorKind::channel_private);
  EXPECT_EQ(h.next.seen.size(), 1u);
}

}  // namespace
}  // namespace mtpipe::testing
