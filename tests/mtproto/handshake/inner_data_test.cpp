// p_q_inner_data on the server side: every form under both RSA schemes decrypts to the fields that went in;
// anything else is refused with bad_hash or malformed.
#include <gtest/gtest.h>

#include "tl/serialize.h"
#include "mtproto/handshake/inner_data.h"
#include "mtproto/handshake/wire.h"
#include "test_support.h"
#include "tl/api.h"

namespace mtpipe::mtproto::handshake::test {
namespace {

PqInnerData sample(InnerForm form, std::uint64_t seed) {
  SeededRng rng(seed);
  PqInnerData d;
  d.form = form;
  d.pq = detail::be_bytes(0x17ED48941A08F981);  // the pq of the page's worked example
  d.p = detail::be_bytes(0x494C553B);
  d.q = detail::be_bytes(0x53911073);
  rng.fill(d.nonce);
  rng.fill(d.server_nonce);
  rng.fill(d.new_nonce);
  d.dc = d.has_dc() ? -10004 : 0;
  d.expires_in = d.temporary() ? 86400 : 0;
  return d;
}

std::array<std::uint8_t, 256> encrypt(RsaScheme scheme, std::span<const std::uint8_t> data, std::uint64_t seed) {
  SeededRng rng(seed);
  const auto pub = server_rsa_key().public_key();
  return scheme == RsaScheme::legacy ? crypto::rsa_legacy_encrypt(pub, data, rng) : crypto::rsa_pad_encrypt(pub, data, rng);
}

Refusal refusal_of(std::span<const std::uint8_t> encrypted) {
  try {
    decrypt_pq_inner_data(server_rsa_key(), encrypted);
  } catch (const ProtocolError& e) {
    return e.refusal();
  }
  ADD_FAILURE() << "accepted";
  return Refusal::handshake_timeout;
}

TEST(InnerData, EveryFormUnderBothSchemes) {
  for (const InnerForm form : {InnerForm::legacy, InnerForm::legacy_temp, InnerForm::dc, InnerForm::temp_dc}) {
    for (const RsaScheme scheme : {RsaScheme::legacy, RsaScheme::rsa_pad}) {
      const PqInnerData in = sample(form, static_cast<std::uint64_t>(form) * 10 + static_cast<std::uint64_t>(scheme));
      const auto out = decrypt_pq_inner_data(server_rsa_key(), encrypt(scheme, encode_pq_inner_data(in), 1));
      EXPECT_EQ(out.scheme, scheme);
      EXPECT_EQ(out.data.form, form);
      EXPECT_EQ(out.data.pq, in.pq);
      EXPECT_EQ(out.data.p, in.p);
      EXPECT_EQ(out.data.q, in.q);
      EXPECT_EQ(out.data.nonce, in.nonce);
      EXPECT_EQ(out.data.server_nonce, in.server_nonce);
      EXPECT_EQ(out.data.new_nonce, in.new_nonce);
      EXPECT_EQ(out.data.dc, in.dc);
      EXPECT_EQ(out.data.expires_in, in.expires_in);
    }
  }
}

TEST(InnerData, EncodingUsesTheFormsConstructor) {
  const std::pair<InnerForm, std::uint32_t> ids[] = {{InnerForm::legacy, 0x83c95aec},
                                                     {InnerForm::legacy_temp, 0x3c6a84d4},
                                                     {InnerForm::dc, 0xa9f55f95},
                                                     {InnerForm::temp_dc, 0x56fddf88}};
  for (const auto& [form, id] : ids) {
    const auto bytes = encode_pq_inner_data(sample(form, 1));
    EXPECT_EQ(bytes[0] | bytes[1] << 8 | bytes[2] << 16 | static_cast<std::uint32_t>(bytes[3]) << 24, id);
    EXPECT_LE(bytes.size(), crypto::kRsaPadMaxData);
  }
}

TEST(InnerData, LeadingZeroBytesOfTheCiphertextMayBeDropped) {
  const auto data = encode_pq_inner_data(sample(InnerForm::dc, 2));
  for (std::uint64_t seed = 0; seed < 5000; ++seed) {
    const auto enc = encrypt(RsaScheme::rsa_pad, data, seed);
    if (enc[0] != 0) continue;
    EXPECT_EQ(decrypt_pq_inner_data(server_rsa_key(), std::span(enc).subspan(1)).data.dc, -10004);
    return;
  }
  FAIL() << "no ciphertext with a leading zero byte";
}

TEST(InnerData, WrongSizesAreMalformed) {
  EXPECT_EQ(refusal_of({}), Refusal::malformed);
  EXPECT_EQ(refusal_of(std::vector<std::uint8_t>(257, 1)), Refusal::malformed);
}

TEST(InnerData, NoiseAndTamperingFailTheHash) {
  std::vector<std::uint8_t> noise(256, 0x42);
  EXPECT_EQ(refusal_of(noise), Refusal::bad_hash);
  for (const RsaScheme scheme : {RsaScheme::legacy, RsaScheme::rsa_pad}) {
    auto enc = encrypt(scheme, encode_pq_inner_data(sample(InnerForm::dc, 3)), 4);
    enc[128] ^= 0x01;
    EXPECT_EQ(refusal_of(enc), Refusal::bad_hash);
  }
}

TEST(InnerData, OtherObjectsAreRefused) {
  // Correctly encrypted and hashed, but not p_q_inner_data: legacy finds no inner constructor and falls
  // through to RSA_PAD, whose hash fails; under RSA_PAD the hash passes and the TL does not.
  tl::mt::resPQ other;
  const auto bytes = tl::serialize(other);
  EXPECT_EQ(refusal_of(encrypt(RsaScheme::legacy, bytes, 5)), Refusal::bad_hash);
  EXPECT_EQ(refusal_of(encrypt(RsaScheme::rsa_pad, bytes, 5)), Refusal::malformed);
}

TEST(Wire, BigEndianNumbers) {
  EXPECT_EQ(detail::be_bytes(0x17ED48941A08F981), std::string("\x17\xED\x48\x94\x1A\x08\xF9\x81", 8));
  EXPECT_EQ(detail::be_bytes(0x494C553B), std::string("\x49\x4C\x55\x3B", 4));
  EXPECT_EQ(detail::be_value(std::string("\x00\x01\x02", 3)), 0x0102u);
  EXPECT_FALSE(detail::be_value(""));
  EXPECT_FALSE(detail::be_value(std::string(9, '\x01')));
}

TEST(Wire, InitialSaltIsTheXorOfTheFirstEightBytes) {
  tl::Int256 new_nonce{};
  tl::Int128 server_nonce{};
  for (std::size_t i = 0; i < 8; ++i) {
    new_nonce[i] = static_cast<std::uint8_t>(0x10 + i);
    server_nonce[i] = 0xff;
  }
  new_nonce[8] = server_nonce[8] = 0x55;  // beyond the first 8 bytes: ignored
  EXPECT_EQ(detail::initial_salt(new_nonce, server_nonce), static_cast<std::int64_t>(0xe8e9eaebecedeeefULL));
}

}  // namespace
}  // namespace mtpipe::mtproto::handshake::test
