#include "mtproto/plain_message.h"

#include <gtest/gtest.h>

#include "mtproto/error.h"

namespace mtpipe::mtproto {
namespace {

TEST(PlainMessage, RoundTrips) {
  const std::vector<std::uint8_t> body{1, 2, 3, 4, 5, 6, 7, 8};
  const auto packet = make_plain_message(0x1234567800000004, body);
  ASSERT_EQ(packet.size(), 28u);
  EXPECT_TRUE(is_plain_packet(packet));
  const auto m = parse_plain_message(packet);
  EXPECT_EQ(m.msg_id, 0x1234567800000004);
  EXPECT_EQ(std::vector<std::uint8_t>(m.body.begin(), m.body.end()), body);
}

TEST(PlainMessage, RefusesLengthMismatchAndShortAndKeyed) {
  auto packet = make_plain_message(4, std::vector<std::uint8_t>(8, 0));
  packet.push_back(0);
  EXPECT_THROW(parse_plain_message(packet), ProtocolError);
  EXPECT_THROW(parse_plain_message(std::span(packet).first(19)), ProtocolError);
  packet.pop_back();
  packet[0] = 1;
  EXPECT_FALSE(is_plain_packet(packet));
  EXPECT_THROW(parse_plain_message(packet), ProtocolError);
}

}  // namespace
}  // namespace mtpipe::mtproto
