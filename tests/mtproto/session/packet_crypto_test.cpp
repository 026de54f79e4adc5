#include "mtproto/session/packet_crypto.h"

#include <gtest/gtest.h>

#include <cstring>

#include "crypto/aes.h"

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

TEST(PacketCrypto, PaddingOutsideTwelveTo1024IsRefusedEvenWithAValidMsgKey) {
  // Build a plaintext by hand whose length field leaves 4 bytes of padding, with a correct msg_key.
  const auto key = testing::test_key().key;
  std::vector<std::uint8_t> plain(32 + 16 + 16, 0);
  const std::uint32_t length = 16 + 12;  // 64 - 32 - 28 = 4 bytes of padding
  std::memcpy(plain.data() + 28, &length, 4);
  const auto large = crypto::msg_key_large(key.bytes, kC2S, plain);
  const std::span<const std::uint8_t> mk(large.data() + 8, 16);
  const auto kiv = crypto::kdf_v2(key.bytes, mk, kC2S);
  std::vector<std::uint8_t> packet(24 + plain.size());
  std::memcpy(packet.data(), &key.id, 8);
  std::memcpy(packet.data() + 8, mk.data(), 16);
  crypto::AesIge(kiv.key).encrypt(kiv.iv, plain, std::span(packet).subspan(24));
  std::vector<std::uint8_t> out;
  try {
    open(key, kC2S, packet, out);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::bad_length);
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::session
