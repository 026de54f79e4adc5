#include "mtproto/session/message_unpack.h"

#include <gtest/gtest.h>

#include <cstring>

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
  const std::string z = tl::gzip_deflate({reinterpret_cast<const char*>(big.data()), big.size()});
  tl::Writer w;
  w.u32(tl::kGzipPackedId);
  w.bytes({reinterpret_cast<const std::uint8_t*>(z.data()), z.size()});
  const auto gz = w.take();
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

TEST(Unpack, RefusesBadContainers) {
  const auto a = word(0x11111111);
  Unpacked u;
  std::vector<std::uint8_t> c;
  const OutRef higher[] = {{20, 1, a}};
  write_container(higher, c);
  EXPECT_THROW(unpack(16, 0, c, u), ProtocolError) << "inner id above the container's";
  c.clear();
  std::vector<std::uint8_t> inner;
  const OutRef in[] = {{4, 1, a}};
  write_container(in, inner);
  const OutRef nested[] = {{8, 0, inner}};
  write_container(nested, c);
  EXPECT_THROW(unpack(16, 0, c, u), ProtocolError) << "nested container";
  c.clear();
  write_container(in, c);
  c.push_back(0);
  EXPECT_THROW(unpack(16, 0, c, u), ProtocolError) << "trailing byte";
  c.resize(c.size() - 5);
  EXPECT_THROW(unpack(16, 0, c, u), ProtocolError) << "truncated";
  auto bad_gzip = word(tl::kGzipPackedId);
  bad_gzip.insert(bad_gzip.end(), {4, 1, 2, 3, 4, 0, 0, 0});
  EXPECT_THROW(unpack(16, 0, bad_gzip, u), ProtocolError) << "corrupt gzip";
}

}  // namespace
}  // namespace mtpipe::mtproto::session
