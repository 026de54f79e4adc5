// The worked example of core.telegram.org/mtproto/samples-auth_key, replayed step by step: every value the
// page prints that follows from earlier values by cryptography is recomputed here and compared byte for byte.
// (Not reproducible from the current page: RSA_PAD's encrypted_data, since its temp_key is not printed; the
// earlier revision's legacy RSA step is reproduced in rsa_test.cpp.)
#include <gtest/gtest.h>

#include <vector>

#include "crypto/aes.h"
#include "crypto/dh.h"
#include "crypto/pq.h"
#include "crypto/rsa.h"
#include "crypto/sha.h"
#include "hex.h"
#include "sample_data.h"
#include "telegram_keys.h"

namespace mtpipe::crypto {
namespace {

using Factors = std::pair<std::uint64_t, std::uint64_t>;

using test::from_hex;
using test::to_hex;
namespace sample = test::sample;

using Bytes = std::vector<std::uint8_t>;

Bytes slice(const Bytes& b, std::size_t from, std::size_t len) {
  EXPECT_LE(from + len, b.size());
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(from + len));
}

std::uint64_t be(const Bytes& b) {
  std::uint64_t v = 0;
  for (auto x : b) v = v << 8 | x;
  return v;
}

std::uint64_t le(const Bytes& b) {
  std::uint64_t v = 0;
  for (auto it = b.rbegin(); it != b.rend(); ++it) v = v << 8 | *it;
  return v;
}

TEST(SamplesAuthKey, Step2And3_ResPqAndFactorisation) {
  const Bytes res_pq = from_hex(sample::kResPq);
  EXPECT_EQ(to_hex(slice(res_pq, 24, 16)), sample::kNonce);
  EXPECT_EQ(to_hex(slice(res_pq, 40, 16)), sample::kServerNonce);
  ASSERT_EQ(res_pq[56], 8);  // TL string of 8 bytes
  const std::uint64_t pq = be(slice(res_pq, 57, 8));
  EXPECT_EQ(pq, 2694724800268887959ULL);
  const auto [p, q] = factorize_pq(pq);
  EXPECT_EQ(p, 1513098571ULL);
  EXPECT_EQ(q, 1780931429ULL);

  // p and q as p_q_inner_data_dc carries them (4-byte big-endian TL strings at offsets 16 and 24).
  const Bytes inner = from_hex(sample::kPQInnerData);
  EXPECT_EQ(be(slice(inner, 17, 4)), p);
  EXPECT_EQ(be(slice(inner, 25, 4)), q);
  EXPECT_EQ(be(slice(inner, 5, 8)), pq);
  EXPECT_EQ(to_hex(slice(inner, 64, 32)), sample::kNewNonce);

  // The third announced fingerprint is the production key's, the one the client picks.
  const auto key = RsaPublicKey::from_pem(test::kProductionKey);
  EXPECT_EQ(le(slice(res_pq, 92, 8)), key.fingerprint());
  EXPECT_NE(le(slice(res_pq, 76, 8)), key.fingerprint());
}

TEST(SamplesAuthKey, Step4_RsaPadInputs) {
  // data (100 bytes) + random_padding_bytes is exactly RSA_PAD's 192-byte data_with_padding, and our
  // rsa_pad_encrypt draws the padding first: replaying the printed bytes reproduces data_with_padding.
  const Bytes data = from_hex(sample::kPQInnerData);
  const Bytes padding = from_hex(sample::kRandomPaddingBytes);
  ASSERT_EQ(data.size(), 100u);
  ASSERT_EQ(data.size() + padding.size(), 192u);
  ASSERT_EQ(from_hex(sample::kEncryptedData).size(), 256u);
  const RsaPrivateKey server = RsaPrivateKey::generate();
  Bytes script = padding;
  for (int i = 0; i < 64 * 32; ++i) script.push_back(static_cast<std::uint8_t>(i));
  ReplayRng rng(script);
  const auto with_padding = rsa_pad_decrypt(server, rsa_pad_encrypt(server.public_key(), data, rng));
  Bytes expected = data;
  expected.insert(expected.end(), padding.begin(), padding.end());
  EXPECT_EQ(Bytes(with_padding.begin(), with_padding.end()), expected);
}

TEST(SamplesAuthKey, Step6_TmpAesKeyAndServerDhInnerData) {
  const auto kiv = tmp_aes_key_iv(from_hex(sample::kNewNonce), from_hex(sample::kServerNonce));
  EXPECT_EQ(to_hex(kiv.key), sample::kTmpAesKey);
  EXPECT_EQ(to_hex(kiv.iv), sample::kTmpAesIv);

  const Bytes encrypted = from_hex(sample::kEncryptedAnswer);
  Bytes answer_with_hash(encrypted.size());
  AesIge(kiv.key).decrypt(kiv.iv, encrypted, answer_with_hash);
  EXPECT_EQ(to_hex(answer_with_hash), sample::kAnswerWithHash);

  // answer_with_hash = SHA1(answer) + answer + 0..15 padding bytes; server_DH_inner_data is 564 bytes.
  const Bytes answer = slice(answer_with_hash, 20, 564);
  const auto hash = sha1(answer);
  EXPECT_EQ(Bytes(hash.begin(), hash.end()), slice(answer_with_hash, 0, 20));
  EXPECT_LT(answer_with_hash.size() - 20 - answer.size(), 16u);

  EXPECT_EQ(to_hex(slice(answer, 0, 4)), "BA0D89B5");
  EXPECT_EQ(to_hex(slice(answer, 4, 16)), sample::kNonce);
  EXPECT_EQ(to_hex(slice(answer, 20, 16)), sample::kServerNonce);
  EXPECT_EQ(le(slice(answer, 36, 4)), 3u);  // g
  const Bytes dh_prime = slice(answer, 44, 256);
  const Bytes g_a = slice(answer, 304, 256);
  EXPECT_EQ(dh_prime, Bytes(kTelegramDhPrime.begin(), kTelegramDhPrime.end()));
  EXPECT_NO_THROW(check_dh_params(dh_prime, 3));
  EXPECT_NO_THROW(check_dh_value(g_a, dh_prime));
}

TEST(SamplesAuthKey, Step7_ClientDhInnerData) {
  const Bytes p(kTelegramDhPrime.begin(), kTelegramDhPrime.end());
  const auto g_b = dh_power(3, from_hex(sample::kB), p);
  EXPECT_EQ(to_hex(g_b), sample::kGB);
  EXPECT_NO_THROW(check_dh_value(g_b, p));

  // data_with_hash = SHA1(data) + data + padding, then AES-256-IGE with the same tmp key/iv.
  const Bytes data = from_hex(sample::kClientDhInnerData);
  // nonce, server_nonce, retry_id = 0, then g_b as a TL string (FE 00 01 00 + 256 bytes) at offset 44.
  EXPECT_EQ(slice(data, 48, 256), Bytes(g_b.begin(), g_b.end()));
  const auto hash = sha1(data);
  Bytes with_hash(hash.begin(), hash.end());
  with_hash.insert(with_hash.end(), data.begin(), data.end());
  const Bytes padding = from_hex(sample::kClientDhPadding);
  with_hash.insert(with_hash.end(), padding.begin(), padding.end());
  ASSERT_EQ(with_hash.size() % 16, 0u);

  const auto kiv = tmp_aes_key_iv(from_hex(sample::kNewNonce), from_hex(sample::kServerNonce));
  std::vector<AesImpl> impls{AesImpl::kEvp};
  if (aesni_supported()) impls.push_back(AesImpl::kAesNi);
  for (AesImpl impl : impls) {
    Bytes encrypted(with_hash.size());
    AesIge(kiv.key, impl).encrypt(kiv.iv, with_hash, encrypted);
    EXPECT_EQ(to_hex(encrypted), sample::kClientEncryptedData);
  }
}

TEST(SamplesAuthKey, Step8And9_AuthKeyAndNewNonceHash) {
  const Bytes p(kTelegramDhPrime.begin(), kTelegramDhPrime.end());
  const Bytes answer = slice(from_hex(sample::kAnswerWithHash), 20, 564);
  const Bytes g_a = slice(answer, 304, 256);
  const auto auth_key = compute_auth_key(g_a, from_hex(sample::kB), p);
  EXPECT_EQ(to_hex(auth_key), sample::kAuthKey);

  // dh_gen_ok's new_nonce_hash1 covers auth_key_aux_hash, so this also checks the aux hash.
  const Bytes new_nonce = from_hex(sample::kNewNonce);
  EXPECT_EQ(to_hex(new_nonce_hash(new_nonce, 1, auth_key)), sample::kNewNonceHash1);
  EXPECT_NE(new_nonce_hash(new_nonce, 2, auth_key), new_nonce_hash(new_nonce, 1, auth_key));
  EXPECT_NE(new_nonce_hash(new_nonce, 3, auth_key), new_nonce_hash(new_nonce, 1, auth_key));
  EXPECT_THROW(new_nonce_hash(new_nonce, 4, auth_key), Error);

  // Not printed on the page; computed independently (Python hashlib) from the printed auth_key.
  EXPECT_EQ(to_hex(auth_key_aux_hash(auth_key)), "20B5C361A4F5A3D0");
  EXPECT_EQ(auth_key_id(auth_key), 0x4e78ef50338b5865ULL);
}

// ---- the earlier revision of the page ----

TEST(SamplesAuthKeyEarlierRevision, PqInnerDataAndTmpAesKey) {
  const Bytes res_pq = from_hex(sample::kOldResPq);
  ASSERT_EQ(res_pq[36], 8);
  const std::uint64_t pq = be(slice(res_pq, 37, 8));
  EXPECT_EQ(pq, 0x17ED48941A08F981ULL);
  EXPECT_EQ(factorize_pq(pq), Factors(0x494C553BULL, 0x53911073ULL));

  const Bytes with_hash = from_hex(sample::kOldDataWithHash);
  const Bytes data = slice(with_hash, 20, 96);  // p_q_inner_data#83c95aec
  EXPECT_EQ(to_hex(sha1(data)), "DB761C27718A2305044F71F2AD951629D78B2449");
  EXPECT_EQ(be(slice(data, 17, 4)), 0x494C553BULL);
  EXPECT_EQ(be(slice(data, 25, 4)), 0x53911073ULL);

  const auto kiv = tmp_aes_key_iv(from_hex(sample::kOldNewNonce), from_hex(sample::kOldServerNonce));
  EXPECT_EQ(to_hex(kiv.key), sample::kOldTmpAesKey);
  EXPECT_EQ(to_hex(kiv.iv), sample::kOldTmpAesIv);
}

TEST(SamplesAuthKeyEarlierRevision, UsedG2WhichTheGeneratorCheckNowRefuses) {
  // The earlier example's server_DH_inner_data has g = 2 with the same prime. p mod 8 = 3, so 2 is not a
  // quadratic residue and would leak the low bit of the secret exponent: check_dh_params must refuse it.
  const Bytes answer = from_hex(sample::kOldAnswer);
  EXPECT_EQ(le(slice(answer, 36, 4)), 2u);
  const Bytes dh_prime = slice(answer, 44, 256);
  EXPECT_EQ(dh_prime, Bytes(kTelegramDhPrime.begin(), kTelegramDhPrime.end()));
  EXPECT_THROW(check_dh_params(dh_prime, 2), Error);
  EXPECT_NO_THROW(check_dh_value(slice(answer, 304, 256), dh_prime));
}

}  // namespace
}  // namespace mtpipe::crypto
