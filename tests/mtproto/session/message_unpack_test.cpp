#include "mtproto/session/message_unpack.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string_view>

#include "mtproto/error.h"
#include "mtproto/session/container.h"
#include "tl/gzip.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::mtproto::session {
namespace {

std::vector<std::uint8_t> word(std::uint32_t v) {
  std::vector<std::uint8_t> b(4);
  std::memcpy(b.data(), &v, 4);
  return b;
}

// The refusal unpack() throws, or nothing when it takes the body.
std::optional<Refusal> refusal_of(std::span<const std::uint8_t> body) {
  Unpacked u;
  try {
    unpack(16, 0, body, u);
  } catch (const ProtocolError& e) {
    return e.refusal();
  }
  return std::nullopt;
}

std::vector<std::uint8_t> gzip_packed(std::string_view plain) {
  tl::Writer w;
  w.u32(tl::kGzipPackedId);
  const std::string z = tl::gzip_deflate(plain, 1);
  w.bytes({reinterpret_cast<const std::uint8_t*>(z.data()), z.size()});
  return w.take();
}

TEST(Unpack, SingleMessagePassesThrough) {
  Unpacked u;
  const auto body = word(0x12345678);
  unpack(100, 1, body, u);
  ASSERT_EQ(u.messages.size(), 1u);
  EXPECT_EQ(u.messages[0].msg_id, 100);
  EXPECT_EQ(u.container_msg_id, 0);
  EXPECT_EQ(u.lowest_msg_id(), 100);
}

TEST(Unpack, ContainerAndGzipInside) {
  const auto a = word(0x11111111);
  std::vector<std::uint8_t> big(400, 0);
  std::memcpy(big.data(), "\x22\x22\x22\x22", 4);
  const auto gz = gzip_packed({reinterpret_cast<const char*>(big.data()), big.size()});
  const OutRef refs[] = {{8, 1, a}, {12, 3, gz}};
  std::vector<std::uint8_t> c;
  write_container(refs, c);
  Unpacked u;
  unpack(16, 4, c, u);
  ASSERT_EQ(u.messages.size(), 2u);
  EXPECT_EQ(u.container_msg_id, 16);
  EXPECT_EQ(u.lowest_msg_id(), 8);
  EXPECT_EQ(u.messages[1].msg_id, 12);
  EXPECT_EQ(std::vector<std::uint8_t>(u.messages[1].body.begin(), u.messages[1].body.end()), big);
}

TEST(Unpack, RefusesBadContainersEachByItsCheck) {
  const auto a = word(0x11111111);
  std::vector<std::uint8_t> c;
  const OutRef higher[] = {{20, 1, a}};
  write_container(higher, c);
  EXPECT_EQ(refusal_of(c), Refusal::bad_container) << "inner id above the container's";
  c.clear();
  std::vector<std::uint8_t> inner;
  const OutRef in[] = {{4, 1, a}};
  write_container(in, inner);
  const OutRef nested[] = {{8, 0, inner}};
  write_container(nested, c);
  EXPECT_EQ(refusal_of(c), Refusal::bad_container) << "nested container";
  c.clear();
  write_container(in, c);
  EXPECT_EQ(refusal_of(c), std::nullopt) << "the well-formed twin";
  c.push_back(0);
  EXPECT_EQ(refusal_of(c), Refusal::malformed) << "trailing byte";
  c.resize(c.size() - 5);
  EXPECT_EQ(refusal_of(c), Refusal::malformed) << "truncated";
  auto bad_gzip = word(tl::kGzipPackedId);
  bad_gzip.insert(bad_gzip.end(), {4, 1, 2, 3, 4, 0, 0, 0});
  EXPECT_EQ(refusal_of(bad_gzip), Refusal::malformed) << "corrupt gzip";
  tl::Writer many;
  many.u32(tl::kMsgContainerId);
  many.u32(kMaxContainerMessages + 1);
  for (std::size_t i = 0; i <= kMaxContainerMessages; ++i) {
    many.i64(static_cast<std::int64_t>(i) * 4 + 1);
    many.i32(0);
    many.i32(4);
    many.u32(0x11111111);
  }
  Unpacked u;
  try {
    unpack(1 << 20, 0, many.data(), u);
    ADD_FAILURE() << "1025 messages accepted";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::bad_container) << e.what();
  }
}

TEST(Unpack, GzipBudgetCoversTheWholeContainer) {
  // Each message inflates to 24 MiB, far under the 64 MiB one object may; three of them exceed the packet's.
  std::string plain(24u << 20, '\0');
  std::memcpy(plain.data(), "\x22\x22\x22\x22", 4);
  const auto gz = gzip_packed(plain);
  const OutRef two[] = {{4, 1, gz}, {8, 1, gz}};
  const OutRef three[] = {{4, 1, gz}, {8, 1, gz}, {12, 1, gz}};
  std::vector<std::uint8_t> c;
  write_container(two, c);
  Unpacked u;
  unpack(16, 0, c, u);
  EXPECT_EQ(u.inflate_left, kMaxInflatedPerPacket - 2 * plain.size()) << "what rpc_results may still inflate to";
  c.clear();
  write_container(three, c);
  EXPECT_EQ(refusal_of(c), Refusal::inflation_budget);
}

}  // namespace
}  // namespace mtpipe::mtproto::session
