// Resend: a call whose connection went before the answer is sent again within the shared budget, unless it must
// never run twice.
#include "client/call/resend.h"

#include <gtest/gtest.h>

#include "call_fixture.h"

namespace mtpipe::testing {
namespace {

struct Harness {
  FakeStep next;
  client::ClientStats stats;
  client::Resend resend{next, 3, stats};
};

TEST(Resend, SendsAgainAfterALostConnection) {
  Harness h;
  h.next.outcomes = {lost(), lost(), client::Answer{1}};
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.resend, call)));
  EXPECT_EQ(h.next.seen.size(), 3u);
  EXPECT_EQ(h.stats.resent_after_reconnect, 2u);
  EXPECT_EQ(call.failures, 2);
}

TEST(Resend, GivesUpWhenTheBudgetIsSpent) {
  Harness h;
  h.next.outcomes = {lost()};
  auto call = call_for();
  EXPECT_TRUE(std::holds_alternative<mtproto::CallError>(send(h.resend, call)));
  EXPECT_EQ(h.next.seen.size(), 4u);  // the first send and three re-sends
  EXPECT_EQ(h.next.seen[3].failures, 3);
}

TEST(Resend, NeverSendsTwiceWhatMustRunOnce) {
  Harness h;
  h.next.outcomes = {lost(), client::Answer{1}};
  auto call = call_for();
  call.resend_after_reconnect = false;
  EXPECT_TRUE(std::holds_alternative<mtproto::CallError>(send(h.resend, call)));
  EXPECT_EQ(h.next.seen.size(), 1u);
}

TEST(Resend, LeavesTheServersAnswersAlone) {
  Harness h;
  h.next.outcomes = {rpc(500, "INTERNAL")};
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.resend, call)), client::RpcErrorKind::internal);
  EXPECT_EQ(h.next.seen.size(), 1u);
}

}  // namespace
}  // namespace mtpipe::testing
