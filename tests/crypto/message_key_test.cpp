// MTProto 2.0 msg_key / KDF and the MTProto 1.0 KDF. Known answers: mtcute's published test vectors
// (packages/core/src/utils/crypto/mtproto.test.ts: auth_key = 8 x 98cb29c6..., msg_key 25d701f2...), both
// directions; msg_key over the bytes 00..1F for the same auth key as cross-checked by other implementations.
#include "crypto/message_key.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/error.h"
#include "crypto/random.h"
#include "hex.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;

std::vector<std::uint8_t> mtcute_auth_key() {
  const auto chunk = from_hex("98cb29c6ffa89e79da695a54f572e6cb101e81c688b63a4bf73c3622dec230e0");
  std::vector<std::uint8_t> key;
  for (int i = 0; i < 8; ++i) key.insert(key.end(), chunk.begin(), chunk.end());
  return key;
}

const auto kMsgKey = from_hex("25d701f2a29205526757825a99eb2d32");

TEST(KdfV2, MtcuteVectors) {
  const auto auth_key = mtcute_auth_key();
  const auto c = kdf_v2(auth_key, kMsgKey, MsgDirection::kClientToServer);
  EXPECT_EQ(to_hex(c.key), "AF3F8E1FFA75F4C981EEC33A3E5BBAA2EA48F9BB93E91597627EB1F67960A0C9");
  EXPECT_EQ(to_hex(c.iv), "9874D77F95155B35221BFF94B7DF4594C6996E2A62E44FCB7D93C8C4E41B79EE");
  const auto s = kdf_v2(auth_key, kMsgKey, MsgDirection::kServerToClient);
  EXPECT_EQ(to_hex(s.key), "D4B378E1E0525F10FF9D4C42807CCCE5B30A033A8088C0B922B5259421751648");
  EXPECT_EQ(to_hex(s.iv), "4D7194F42F0135D2FD83050B403265B4C40EE3E9E9FBA56F0F4D8EA6BCB121F5");
}

TEST(KdfV1, MtcuteVectors) {
  const auto auth_key = mtcute_auth_key();
  const auto c = kdf_v1(auth_key, kMsgKey, MsgDirection::kClientToServer);
  EXPECT_EQ(to_hex(c.key), "1FC7B40B1D9FFBDAF4D652525A748864259698F89214ABF27C0D36CB9D4CD5DB");
  EXPECT_EQ(to_hex(c.iv), "7251FBDA39EC5E6E089F15DED5963B03D6D8D0F7078898431FC7B40B1D9FFBDA");
  const auto s = kdf_v1(auth_key, kMsgKey, MsgDirection::kServerToClient);
  EXPECT_EQ(to_hex(s.key), "AF0E4E01318654BE40AB42B125909D43B44BDEEF571FF1A5DFB81474AE26D467");
  EXPECT_EQ(to_hex(s.iv), "15C9BA6021D2C5CF04F0842540AE216A970B4EAC8F46EF01AF0E4E01318654BE");
}

TEST(MsgKey, OverSequentialBytes) {
  const auto auth_key = mtcute_auth_key();
  std::vector<std::uint8_t> plaintext(32);
  for (int i = 0; i < 32; ++i) plaintext[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(to_hex(msg_key(auth_key, MsgDirection::kClientToServer, plaintext)), "894B894875EBCE6603FFAFD3F41B19D6");
  EXPECT_EQ(to_hex(msg_key(auth_key, MsgDirection::kServerToClient, plaintext)), "DD1FE9862A6907D65C65FE63FD80BF29");
  const auto large = msg_key_large(auth_key, MsgDirection::kClientToServer, plaintext);
  EXPECT_EQ(to_hex(std::span(large).subspan(8, 16)), "894B894875EBCE6603FFAFD3F41B19D6");
}

TEST(MessageKey, EncryptDecryptOneMessage) {
  // Sender: msg_key over the padded plaintext, KDF, IGE. Receiver: KDF from msg_key, decrypt, recompute msg_key.
  std::vector<std::uint8_t> auth_key(256), plaintext(1024);
  random_bytes(auth_key);
  random_bytes(plaintext);
  const auto mk = msg_key(auth_key, MsgDirection::kClientToServer, plaintext);
  const auto kiv = kdf_v2(auth_key, mk, MsgDirection::kClientToServer);
  std::vector<std::uint8_t> wire(plaintext.size());
  AesIge(kiv.key).encrypt(kiv.iv, plaintext, wire);

  const auto rkiv = kdf_v2(auth_key, mk, MsgDirection::kClientToServer);
  std::vector<std::uint8_t> got(wire.size());
  AesIge(rkiv.key).decrypt(rkiv.iv, wire, got);
  EXPECT_EQ(got, plaintext);
  EXPECT_EQ(msg_key(auth_key, MsgDirection::kClientToServer, got), mk);
  // A receiver using the other direction derives other keys, and the msg_key check then fails.
  const auto wrong = kdf_v2(auth_key, mk, MsgDirection::kServerToClient);
  AesIge(wrong.key).decrypt(wrong.iv, wire, got);
  EXPECT_NE(got, plaintext);
  EXPECT_NE(msg_key(auth_key, MsgDirection::kServerToClient, plaintext), mk);
}

TEST(MessageKey, RejectsWrongSizes) {
  const std::vector<std::uint8_t> short_key(255), key(256), mk15(15);
  EXPECT_THROW(msg_key(short_key, MsgDirection::kClientToServer, key), Error);
  EXPECT_THROW(kdf_v2(short_key, kMsgKey, MsgDirection::kClientToServer), Error);
  EXPECT_THROW(kdf_v2(key, mk15, MsgDirection::kClientToServer), Error);
  EXPECT_THROW(kdf_v1(key, mk15, MsgDirection::kServerToClient), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
