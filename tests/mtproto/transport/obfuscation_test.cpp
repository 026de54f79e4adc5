// Obfuscation: key schedule and client init against values computed independently, and the rules for the init's
// first bytes.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "crypto/random.h"
#include "mtproto/byte_order.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/obfuscation.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

// Expected values come from obfuscation_kat.py (next to this file), which uses Python's hashlib and the
// `cryptography` package's AES-CTR with the reversal written out as init[::-1]:
//   init[i] = (37 * i + 11) mod 256, secret = a0 a1 ... af.
ObfuscationInit fixed_init() {
  ObfuscationInit init;
  for (std::size_t i = 0; i < init.size(); ++i) init[i] = static_cast<std::uint8_t>(37 * i + 11);
  return init;
}

std::vector<std::uint8_t> fixed_secret() {
  std::vector<std::uint8_t> secret(16);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(0xa0 + i);
  return secret;
}

template <std::size_t N>
std::vector<std::uint8_t> v(const std::array<std::uint8_t, N>& a) {
  return {a.begin(), a.end()};
}

constexpr const char* kEncryptKey = "33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489ae";
constexpr const char* kEncryptIv = "d3f81d42678cb1d6fb20456a8fb4d9fe";
constexpr const char* kDecryptKey = "fed9b48f6a4520fbd6b18c67421df8d3ae89643f1af5d0ab86613c17f2cda883";
constexpr const char* kDecryptIv = "5e3914efcaa5805b3611ecc7a27d5833";
constexpr const char* kEncryptKeyWithSecret = "702ca31afa8114f110dff8c710efbb1fcd0ce9b4495ca3df138c0693bc8ef357";
constexpr const char* kDecryptKeyWithSecret = "6275ab3c48c6effa647f5eb8dd7b8ee51e5c17920faa7d82082f1d0cc89e60f2";

void expect_keys(const ObfuscationKeys& keys, const char* encrypt_key, const char* decrypt_key) {
  EXPECT_EQ(v(keys.encrypt.key), test::from_hex(encrypt_key));
  EXPECT_EQ(v(keys.encrypt.iv), test::from_hex(kEncryptIv));
  EXPECT_EQ(v(keys.decrypt.key), test::from_hex(decrypt_key));
  EXPECT_EQ(v(keys.decrypt.iv), test::from_hex(kDecryptIv));
}

TEST(ObfuscationKeys, ClientScheduleMatchesIndependentComputation) {
  expect_keys(client_obfuscation_keys(fixed_init()), kEncryptKey, kDecryptKey);
}

TEST(ObfuscationKeys, SecretHashesTheKeysOnly) {
  expect_keys(client_obfuscation_keys(fixed_init(), fixed_secret()), kEncryptKeyWithSecret, kDecryptKeyWithSecret);
}

TEST(ObfuscationKeys, ServerScheduleIsTheClientsSwapped) {
  const auto client = client_obfuscation_keys(fixed_init(), fixed_secret());
  const auto server = server_obfuscation_keys(fixed_init(), fixed_secret());
  EXPECT_EQ(server.encrypt.key, client.decrypt.key);
  EXPECT_EQ(server.encrypt.iv, client.decrypt.iv);
  EXPECT_EQ(server.decrypt.key, client.encrypt.key);
  EXPECT_EQ(server.decrypt.iv, client.encrypt.iv);
}

std::vector<std::uint8_t> init_script() {
  const auto init = fixed_init();
  return {init.begin(), init.end()};
}

TEST(ObfuscationInit, ClientPrefixAndFirstFrameMatchIndependentComputation) {
  // Obfuscated intermediate, no proxy, no DC: the tag replaces bytes 56..60, bytes 60..64 stay as drawn.
  crypto::ReplayRng rng(init_script());
  ClientCodec codec({Framing::intermediate, true}, rng);
  EXPECT_EQ(rng.remaining(), 0u);
  EXPECT_EQ(codec.take_prefix(),
            test::from_hex("0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489ae"
                           "d3f81d42678cb1d6fb20456a8fb4d9feee2da50044c3eb30"));
  const std::vector<std::uint8_t> payload{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<std::uint8_t> out;
  codec.encode(payload, false, out);
  EXPECT_EQ(out, test::from_hex("820f59ad74c48986fbaae231"));
}

TEST(ObfuscationInit, ProxyPrefixCarriesPaddedTagAndDcId) {
  // dd secret (padded intermediate), media DC 2 encoded as -2 at offset 60.
  crypto::ReplayRng rng(init_script());
  std::vector<std::uint8_t> raw{0xdd};
  const auto secret = fixed_secret();
  raw.insert(raw.end(), secret.begin(), secret.end());
  ClientCodec codec({Framing::abridged, true}, rng, MtproxySecret::from_bytes(raw), -2);
  EXPECT_EQ(codec.take_prefix(),
            test::from_hex("0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489ae"
                           "d3f81d42678cb1d6fb20456a8fb4d9fea53d0c4b618623d9"));
}

ObfuscationInit with_start(std::initializer_list<std::uint8_t> start) {
  auto init = fixed_init();
  std::copy(start.begin(), start.end(), init.begin());
  return init;
}

const std::initializer_list<std::uint8_t> kForbiddenStarts[] = {
    {0xef},                              // abridged
    {'H', 'E', 'A', 'D'},                // HTTP verbs
    {'P', 'O', 'S', 'T'},
    {'G', 'E', 'T', ' '},
    {'O', 'P', 'T', 'I'},
    {0x16, 0x03, 0x01, 0x02},            // TLS record
    {0xdd, 0xdd, 0xdd, 0xdd},            // padded intermediate
    {0xee, 0xee, 0xee, 0xee},            // intermediate
    {0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0},  // full transport, seq 0
};

TEST(ObfuscationInit, ForbiddenStartsAreRecognised) {
  EXPECT_TRUE(is_acceptable_init(fixed_init()));
  for (const auto start : kForbiddenStarts) {
    EXPECT_FALSE(is_acceptable_init(with_start(start))) << "starting with byte " << int(*start.begin());
  }
  EXPECT_TRUE(is_acceptable_init(with_start({0xee, 0xee, 0xee, 0xed})));
  EXPECT_TRUE(is_acceptable_init(with_start({0xfe, 0xef})));
}

TEST(ObfuscationInit, GenerationRedrawsUntilAcceptable) {
  // Every forbidden init in turn, then an acceptable one: generation must skip all the former.
  std::vector<std::uint8_t> script;
  for (const auto start : kForbiddenStarts) {
    const auto init = with_start(start);
    script.insert(script.end(), init.begin(), init.end());
  }
  const auto good = fixed_init();
  script.insert(script.end(), good.begin(), good.end());
  crypto::ReplayRng rng(script);
  const auto init = generate_obfuscation_init(rng, 0xefefefefU, 0);
  EXPECT_EQ(rng.remaining(), 0u);
  EXPECT_TRUE(std::equal(init.begin(), init.begin() + 56, good.begin()));
  EXPECT_EQ(load_le<std::uint32_t>(init.data() + 56), 0xefefefefU);
  EXPECT_TRUE(std::equal(init.begin() + 60, init.end(), good.begin() + 60));  // no DC: stays random
}

TEST(ObfuscationInit, ManyGeneratedInitsAreAcceptable) {
  test::SeededRng rng(2024);
  for (int i = 0; i < 200000; ++i) {
    const auto init = generate_obfuscation_init(rng, 0xddddddddU, 4);
    ASSERT_NE(init[0], 0xef);
    const std::uint32_t first = load_le<std::uint32_t>(init.data());
    for (const std::uint32_t bad : {0x44414548U, 0x54534f50U, 0x20544547U, 0x4954504fU, 0x02010316U, 0xddddddddU,
                                    0xeeeeeeeeU}) {
      ASSERT_NE(first, bad);
    }
    ASSERT_NE(load_le<std::uint32_t>(init.data() + 4), 0u);
    ASSERT_EQ(load_le<std::uint32_t>(init.data() + 56), 0xddddddddU);
    ASSERT_EQ(init[60], 4);
    ASSERT_EQ(init[61], 0);
  }
}

TEST(ObfuscationInit, EveryClientPrefixPassesServerDetectionAsObfuscated) {
  // The prefixes clients really send (byte 0 and words 0..1 in clear) never look like another transport.
  test::SeededRng rng(99);
  for (int i = 0; i < 2000; ++i) {
    ClientCodec codec({Framing::abridged, true}, rng);
    const auto prefix = codec.take_prefix();
    ASSERT_EQ(prefix.size(), 64u);
    ASSERT_TRUE(is_acceptable_init(std::span<const std::uint8_t, 64>(prefix.data(), 64)));
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
