#include "mtproto/session/packet_crypto.h"

#include <gtest/gtest.h>

#include <cstring>

#include "mtproto/error.h"
#include "session_pair.h"

namespace mtpipe::mtproto::session {
namespace {

constexpr auto kC2S = crypto::MsgDirection::kClientToServer;
constexpr auto kS2C = crypto::MsgDirection::kServerToClient;

TEST(PacketCrypto, SealThenOpenRestoresHeaderAndBody) {
  crypto::OpenSslRng rng;
  const auto key = testing::test_key().key;
  for (std::size_t n : {0u, 4u, 8u, 12u, 16u, 100u, 1024u, 4096u}) {
    std::vector<std::uint8_t> body(n);
    for (std::size_t i = 0; i < n; ++i) body[i] = static_cast<std::uint8_t>(i);
    const MessageHeader h{1, 2, 3, 5};
    std::vector<std::uint8_t> packet, plain;
    seal(key, kC2S, h, body, rng, packet, 3);
    EXPECT_EQ((packet.size() - 24) % 16, 0u);
    const auto o = open(key, kC2S, packet, plain);
    EXPECT_EQ(o.header.salt, 1);
    EXPECT_EQ(o.header.session_id, 2);
    EXPECT_EQ(o.header.msg_id, 3);
    EXPECT_EQ(o.header.seq_no, 5);
    EXPECT_EQ(std::vector<std::uint8_t>(o.body.begin(), o.body.end()), body);
  }
}

TEST(PacketCrypto, DirectionKeyAndEveryFlippedBitAreRefused) {
  crypto::OpenSslRng rng;
  const auto key = testing::test_key().key;
  std::vector<std::uint8_t> packet, plain;
  seal(key, kC2S, {1, 2, 3, 5}, std::vector<std::uint8_t>(16, 9), rng, packet);
  EXPECT_THROW(open(key, kS2C, packet, plain), ProtocolError) << "wrong direction";
  EXPECT_THROW(open(testing::test_key(8).key, kC2S, packet, plain), ProtocolError) << "wrong key";
  for (std::size_t i = 8; i < packet.size(); ++i) {
    auto bad = packet;
    bad[i] ^= 0x10;
    try {
      open(key, kC2S, bad, plain);
      ADD_FAILURE() << "flipped byte " << i << " accepted";
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.refusal(), Refusal::bad_msg_key) << "byte " << i;
    }
  }
  EXPECT_THROW(open(key, kC2S, std::span(packet).first(packet.size() - 16), plain), ProtocolError);
  EXPECT_THROW(open(key, kC2S, std::span(packet).first(40), plain), ProtocolError);
}

TEST(PacketCrypto, PaddingOf1024BytesIsTheMostAccepted) {
  const auto key = testing::test_key().key;
  const std::vector<std::uint8_t> body(16, 0x11);
  const auto plain = testing::plaintext_of({1, 2, 3, 5}, body, 16, 1024);
  std::vector<std::uint8_t> out;
  EXPECT_EQ(open(key, kC2S, testing::seal_plaintext(key, kC2S, plain), out).body.size(), 16u);
}

TEST(PacketCrypto, PacketsThatAreNotWholeBlocksOrTooShortAreRefusedBeforeDecrypting) {
  crypto::OpenSslRng rng;
  const auto key = testing::test_key().key;
  std::vector<std::uint8_t> packet, plain;
  seal(key, kC2S, {1, 2, 3, 5}, std::vector<std::uint8_t>(16, 9), rng, packet);
  for (const std::size_t size : {packet.size() - 4, std::size_t{40}}) {
    try {
      open(key, kC2S, std::span(packet).first(size), plain);
      ADD_FAILURE() << size << " bytes accepted";
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.refusal(), Refusal::bad_packet_size) << size << " bytes";
    }
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::session
