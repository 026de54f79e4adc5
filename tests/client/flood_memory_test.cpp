#include "client/flood_memory.h"

#include <gtest/gtest.h>

namespace mtpipe::client {
namespace {

using namespace std::chrono_literals;
using Clock = FloodMemory::Clock;
constexpr std::uint32_t kResolve = 0x725afbbc;  // contacts.resolveUsername
constexpr std::uint32_t kHistory = 0x4423e6c5;  // messages.getHistory

TEST(FloodMemory, AMethodUnderAWaitIsBlockedUntilItsDeadlineAndOthersAreNot) {
  FloodMemory memory;
  const auto t0 = Clock::time_point{} + 1h;
  memory.record(kResolve, RpcError::from_server(420, "FLOOD_WAIT_30"), t0);
  EXPECT_EQ(memory.blocked_until(kResolve, t0 + 29s), t0 + 30s);
  EXPECT_FALSE(memory.blocked_until(kHistory, t0 + 1s)) << "waits are per method";
  EXPECT_FALSE(memory.blocked_until(kResolve, t0 + 30s)) << "free again at the deadline";
  EXPECT_EQ(memory.active(t0 + 31s), 0u);
}

TEST(FloodMemory, ALongerWaitExtendsAndAShorterOneDoesNotShorten) {
  FloodMemory memory;
  const auto t0 = Clock::time_point{} + 1h;
  memory.record(kResolve, RpcError::from_server(420, "FLOOD_WAIT_10"), t0);
  memory.record(kResolve, RpcError::from_server(420, "FLOOD_WAIT_2"), t0 + 1s);
  EXPECT_EQ(memory.blocked_until(kResolve, t0 + 5s), t0 + 10s);
  memory.record(kResolve, RpcError::from_server(420, "FLOOD_PREMIUM_WAIT_100"), t0 + 5s);
  EXPECT_EQ(memory.blocked_until(kResolve, t0 + 6s), t0 + 105s);
}

TEST(FloodMemory, AWaitLearntElsewhereHoldsTheMethodTooAndNeverShortensOne) {
  FloodMemory memory;
  const auto t0 = Clock::time_point{} + 1h;
  memory.hold(kResolve, t0 + 20s);
  EXPECT_EQ(memory.blocked_until(kResolve, t0), t0 + 20s);
  memory.hold(kResolve, t0 + 5s);
  memory.record(kResolve, RpcError::from_server(420, "FLOOD_WAIT_3"), t0);
  EXPECT_EQ(memory.blocked_until(kResolve, t0), t0 + 20s);
}

TEST(FloodMemory, OnlyFloodWaitsAreRemembered) {
  FloodMemory memory;
  const auto t0 = Clock::time_point{} + 1h;
  memory.record(kHistory, RpcError::from_server(420, "SLOWMODE_WAIT_60"), t0);  // per chat, not per method
  memory.record(kHistory, RpcError::from_server(303, "FILE_MIGRATE_2"), t0);
  memory.record(kHistory, RpcError::from_server(400, "CHANNEL_PRIVATE"), t0);
  EXPECT_FALSE(memory.blocked_until(kHistory, t0));
  memory.record(kHistory, RpcError::from_server(420, "FLOOD_WAIT_0"), t0);
  EXPECT_EQ(memory.blocked_until(kHistory, t0), t0 + 1s) << "FLOOD_WAIT_0 still means not now";
}

TEST(DecideWait, ShortWaitsAreSleptThroughLongOnesHandedBack) {
  EXPECT_TRUE(decide_wait(RpcError::from_server(420, "FLOOD_WAIT_1"), 1.5).sleep);
  const auto longer = decide_wait(RpcError::from_server(420, "FLOOD_WAIT_2"), 1.5);
  EXPECT_FALSE(longer.sleep);
  EXPECT_EQ(longer.wait, std::chrono::seconds(2));
  EXPECT_EQ(decide_wait(RpcError::from_server(420, "FLOOD_WAIT_0"), 1.5).wait, std::chrono::seconds(1));
  EXPECT_FALSE(decide_wait(RpcError::from_server(400, "CHANNEL_PRIVATE"), 1.5).sleep);
  EXPECT_EQ(decide_wait(RpcError::from_server(400, "CHANNEL_PRIVATE"), 1.5).wait, std::chrono::seconds(0));
}

}  // namespace
}  // namespace mtpipe::client
