#include "mtproto/msg_id.h"

#include <gtest/gtest.h>

#include "mtproto/clock.h"

namespace mtpipe::mtproto {
namespace {

constexpr std::int64_t kT = 1'700'000'000LL * kNsPerSecond;

TEST(MsgId, ClientIdsAreDivisibleByFourCarryTheTimeAndIncrease) {
  MsgIdGenerator gen;
  std::int64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto id = gen.next(kT);  // same instant every time: ids must still increase
    EXPECT_EQ(id % 4, 0);
    EXPECT_NE(id & 0xffffffff, 0);
    EXPECT_GT(id, last);
    EXPECT_EQ(msg_id_seconds(id), 1'700'000'000);
    last = id;
  }
}

TEST(MsgId, ServerIdsHaveTheirParity) {
  MsgIdGenerator response(MsgIdKind::server_response), other(MsgIdKind::server_other);
  EXPECT_EQ(response.next(kT) % 4, 1);
  EXPECT_EQ(other.next(kT) % 4, 3);
  EXPECT_EQ(response.next(kT + 7) % 4, 1);
}

TEST(MsgId, OffsetShiftsTheTimeCarried) {
  MsgIdGenerator gen;
  gen.set_offset_ns(-100 * kNsPerSecond);
  EXPECT_EQ(msg_id_seconds(gen.next(kT)), 1'700'000'000 - 100);
}

TEST(MsgId, FractionOfTheSecondIsInTheLowBits) {
  MsgIdGenerator gen;
  const auto id = gen.next(kT + kNsPerSecond / 2);
  EXPECT_NEAR(static_cast<double>(id & 0xffffffff), 2147483648.0, 8.0);
}

TEST(MsgId, AgeWindowIs300PastAnd30Future) {
  MsgIdGenerator gen;
  const auto id = gen.next(kT);
  EXPECT_EQ(msg_id_age(id, kT), MsgIdAge::ok);
  EXPECT_EQ(msg_id_age(id, kT + 299 * kNsPerSecond), MsgIdAge::ok);
  EXPECT_EQ(msg_id_age(id, kT + 302 * kNsPerSecond), MsgIdAge::too_old);
  EXPECT_EQ(msg_id_age(id, kT - 29 * kNsPerSecond), MsgIdAge::ok);
  EXPECT_EQ(msg_id_age(id, kT - 32 * kNsPerSecond), MsgIdAge::too_new);
}

}  // namespace
}  // namespace mtpipe::mtproto

namespace mtpipe::mtproto {
namespace {

TEST(MsgId, MixedServerKindsStayIncreasing) {
  MsgIdGenerator gen(MsgIdKind::server_response);
  std::int64_t last = 0;
  for (int i = 0; i < 100; ++i) {
    const auto kind = i % 3 == 0 ? MsgIdKind::server_other : MsgIdKind::server_response;
    const auto id = gen.next(kT, kind);
    EXPECT_GT(id, last);
    EXPECT_EQ(id & 3, static_cast<std::int64_t>(kind));
    last = id;
  }
}

}  // namespace
}  // namespace mtpipe::mtproto
