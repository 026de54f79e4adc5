// FloodHold: a method under a running flood wait is not sent; the server's waits are remembered, then slept
// through when short and surfaced with their deadline when long.
#include "client/call/flood_hold.h"

#include <gtest/gtest.h>

#include "call_fixture.h"

namespace mtpipe::testing {
namespace {
using client::RpcError;

struct Harness {
  FakeStep next;
  client::FloodMemory memory;
  client::ClientStats stats;
  FakeSleep sleep;
  client::FloodHold hold{next, memory, 1.5, stats, sleep.sleep()};
};

TEST(FloodHold, SleepsThroughAShortServerWaitAndSendsAgain) {
  Harness h;
  h.next.outcomes = {rpc(420, "FLOOD_WAIT_1"), client::Answer{7}};
  h.sleep.then = [&] { h.memory = client::FloodMemory{}; };  // the wait is over when the pause ends
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.hold, call)));
  EXPECT_EQ(h.next.seen.size(), 2u);
  ASSERT_EQ(h.sleep.pauses.size(), 1u);
  EXPECT_EQ(h.sleep.pauses[0], std::chrono::seconds(1));
  EXPECT_EQ(h.stats.flood_sleeps, 1u);
}

TEST(FloodHold, SurfacesALongWaitWithItsDeadlineAndHoldsTheMethodBackAfterwards) {
  Harness h;
  h.next.outcomes = {rpc(420, "FLOOD_WAIT_30")};
  auto call = call_for();
  const auto before = std::chrono::steady_clock::now();
  try {
    (void)send(h.hold, call);
    FAIL() << "the wait was not surfaced";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.kind(), client::RpcErrorKind::flood_wait);
    ASSERT_TRUE(e.retry_at());
    EXPECT_GE(*e.retry_at(), before + std::chrono::seconds(30));
    EXPECT_FALSE(e.held_locally());
  }
  EXPECT_EQ(h.stats.flood_surfaced, 1u);

  auto again = call_for();
  try {
    (void)send(h.hold, again);
    FAIL() << "the method was sent during its wait";
  } catch (const RpcError& e) {
    EXPECT_TRUE(e.held_locally());
    EXPECT_EQ(e.kind(), client::RpcErrorKind::flood_wait);
  }
  EXPECT_EQ(h.next.seen.size(), 1u);  // never reached the server
  EXPECT_EQ(h.stats.flood_blocked_locally, 1u);
  h.next.outcomes = {client::Answer{1}};
  auto other = call_for();
  other.method = client::Method(0x5678u);
  EXPECT_TRUE(answered(send(h.hold, other)));  // waits are per method
}

TEST(FloodHold, AShortWaitThatWouldOutliveTheDeadlineIsSurfaced) {
  Harness h;
  h.next.outcomes = {rpc(420, "FLOOD_WAIT_1")};
  auto call = call_for(std::chrono::milliseconds(500));
  EXPECT_THROW((void)send(h.hold, call), RpcError);
  EXPECT_TRUE(h.sleep.pauses.empty());
}

TEST(FloodHold, SleepsOutAShortRememberedWaitBeforeSending) {
  Harness h;
  h.memory.record(0x1234u, RpcError::from_server(420, "FLOOD_WAIT_1"), std::chrono::steady_clock::now());
  h.sleep.then = [&] { h.memory = client::FloodMemory{}; };  // the wait is over when the pause ends
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.hold, call)));
  ASSERT_EQ(h.sleep.pauses.size(), 1u);
  EXPECT_LE(h.sleep.pauses[0], std::chrono::seconds(1));
  EXPECT_EQ(h.next.seen.size(), 1u);
}

TEST(FloodHold, LeavesSlowmodeAndOtherErrorsAlone) {
  Harness h;
  h.next.outcomes = {rpc(420, "SLOWMODE_WAIT_30")};
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.hold, call)), client::RpcErrorKind::slowmode_wait);
  EXPECT_EQ(h.memory.active(std::chrono::steady_clock::now()), 0u);
  h.next.outcomes = {lost()};
  auto second = call_for();
  EXPECT_TRUE(std::holds_alternative<mtproto::CallError>(send(h.hold, second)));
}

}  // namespace
}  // namespace mtpipe::testing
