// RSA keys, Telegram key fingerprints, RSA_PAD and the legacy scheme.
// Known answers: the fingerprints Telegram's servers announce for their published keys (resPQ of
// core.telegram.org/mtproto/samples-auth_key, and the values clients such as tdlib hard-code); the legacy
// encryption of the earlier samples-auth_key revision; an RSA_PAD vector over Telegram's test-DC key from
// SharpGram's test suite (Rsa.cs, EncryptRsaWithPublicKey), which we reproduce byte for byte.
#include "crypto/rsa.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/sha.h"
#include "hex.h"
#include "sample_data.h"
#include "telegram_keys.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;
using test::kProductionKey;
using test::kProductionKeySpki;
using test::kTestDcKey;

// A throwaway key made for this test with `openssl genrsa -traditional 2048` (PKCS#1 private form).
const char* kPkcs1PrivateKey =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAt/TNpbg/wxvd0eSkLQ7TCWIJKsZfq3GDz6GL/dco9fKZfORo\n"
    "xHAbms8lki+YL+3WFPCVZuwjJezGDbwh5hy1fgqc5rZ9+fvOKPcGorqm8ZND5L6B\n"
    "f2Qxj1OqKMtCQPTzF0iWEIISskIY5s3uUxi+EcG+yynJ2As1X+NRDhCjI5jWBfwx\n"
    "d9Zge7XEqeXwd2IhNe9czYHnLBHdMdmtYTI9NzyVDGDb3cjcgakcSDyAwx5jEkha\n"
    "l1wsRZ09mXmYFQ1xLvtYqF6L94GJFYzcPSCELyxfwwT5TgsABOMZ4DVFBuoQ1/Me\n"
    "YcS38y3TfFe9kCW4KF5U7ERzphwxH5SZc62DJwIDAQABAoIBADMgAD98c4wgJIf/\n"
    "CXnUUuaarn2K4G/ffoioFyYXNDUWlX3WZR+jIKjnxUNZouw/J25uZrdSDXqu0WRj\n"
    "0vAHLpG3FWAxe9WMHAHalaeIRHmDOi1KnObwy61PzUzFIMa4zQ69h6dS3ytXn2AV\n"
    "/5RsnfaFaCdCl+xJQS5DGPXVveFYUgiP38y2kvLn465K42X4iTc5v+yyB45si7ud\n"
    "JTP2k286rip3slwNXEa8WdEwlALietbkKzwJygZxGi6vDBkg217N1nHKtnpE008D\n"
    "Sl0PvdjM5ldrp3+6ocy01AxDFBaCgTfLBU+cDh9japHImZ+zgsj3qDO168gfZubE\n"
    "2gqtzcECgYEA3tiC/lJ/lcKMIkgul6WrLEGDWdUXKCQIRiM7I2mPzNbbIGCi2JTq\n"
    "Ibx2yGIftV0rCPM+n26xEh3LKYZH0iUCNNuXGxGxbtxG+XO3PDlc23IeMw4qx+ir\n"
    "kPt2hFk8OY2HYUmHCDwScyR9u3u9Ud2Ttm/S56bXW4/A0LO3F0WSoRcCgYEA01Md\n"
    "RjJDtbRCebtS2294ZRcDFodi5mEeDVe/81ZI6pMP1QRDaZTT7j0iWnR8PXL1b6Jp\n"
    "P3iLFW4GL6BDMMhBJOL2MxSfOTPrWjJlpIHku2yX5hbJ2RUPWrG9Tl1o+ZLfhvYB\n"
    "TuvMVKtcGdc8kaRjBxVNXwAFLXqGdIu+6cXf2HECgYEAzV5BUnnbBLw3Avz8m1rd\n"
    "Jjr1/xrHbYHPcjvTq24ETSWQ6gTE7s5F+3NBEKiFSlIjb+sjwjBz1RtJ+Om8VKkw\n"
    "oF/ioNqsZ1tvuUJwEntW3RINTMX4nSUKv+FOtue5/dw1cG4fmHIsGpr9mIOP1Ntb\n"
    "3tytRDlY7RPNAUkuKa8/U18CgYBlEas+l2uqy7u/XMgUCwwZzRe8/qNea7RjzUQQ\n"
    "rYPSLOO1jYRwSq3Rk4uKl4uUGBcqfRK5OH3MkgKDZLK98gi2C5aUd5hvU1WMne3e\n"
    "8ADlYtqDQQLowBnH1pojkKlUM9qUQbP+eugO1qYF9dsSDP0PtjB67xeK2L7VnsCA\n"
    "LhMRAQKBgAObs7wmxReDmV5laDST7/LgX4oPZ8XeU2J+lVfI4Y9k4bC4mUs5nL7q\n"
    "HZiNQ73nrdx0r13GFA+JDkfLoyI5x7JLbVm61Sr4ScairWTc7S8gFOaFYzgW+n21\n"
    "k5It70N+sFwAgmQD1nXPfh0GgiZGO5qqaevFkV+Vx/vmz8WteRJl\n"
    "-----END RSA PRIVATE KEY-----\n";

// A 1024-bit key (openssl genrsa 1024 | openssl rsa -pubout): MTProto keys are 2048-bit, this must be refused.
const char* kShortKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC8UeosG1V4SJdsfw0c4aHO3xJ5\n"
    "ZgRqJth12G0kVTCreGSo5Ce0oNzDMOH0s6GqX2LLR8eNbcrBsqvItiy3tqv/Hi9Y\n"
    "9+CAG5TOHCqaFWZe3Wn/1O3UcEutKfdzOIawb9KFGd/XaUiqzzji6NjeTdmglFP8\n"
    "BY2zbi5c03dD3p7RUwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

// A generated key is slow to make; share one across the tests of this file.
const RsaPrivateKey& server_key() {
  static const RsaPrivateKey key = RsaPrivateKey::generate(2048);
  return key;
}

std::uint64_t read_le64(std::string_view hex) {
  const auto b = from_hex(hex);
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[static_cast<std::size_t>(i)];
  return v;
}

TEST(RsaPublicKey, FingerprintsOfTelegramKeys) {
  const auto production = RsaPublicKey::from_pem(kProductionKey);
  EXPECT_EQ(production.fingerprint(), 0xd09d1d85de64fd85ULL);
  // resPQ in samples-auth_key lists it as the bytes 85FD64DE851D9DD0 (a little-endian long).
  EXPECT_EQ(production.fingerprint(), read_le64("85FD64DE851D9DD0"));
  EXPECT_EQ(production.n().size(), 256u);
  EXPECT_EQ(to_hex(production.e()), "010001");
  EXPECT_EQ(RsaPublicKey::from_pem(kTestDcKey).fingerprint(), 0xb25898df208d2603ULL);
}

TEST(RsaPublicKey, OldKeyOfTheEarlierExampleFromComponents) {
  // The earlier samples-auth_key revision announced fingerprint bytes 216BE86C022BB4C3 for this key.
  const auto key = RsaPublicKey::from_components(from_hex(test::sample::kOldServerKeyN), from_hex("010001"));
  EXPECT_EQ(key.fingerprint(), 0xc3b42b026ce86b21ULL);
  EXPECT_EQ(key.fingerprint(), read_le64("216BE86C022BB4C3"));
  // Leading zero bytes are not part of the fingerprinted number.
  auto padded = from_hex("0000" + std::string(test::sample::kOldServerKeyN));
  EXPECT_EQ(RsaPublicKey::from_components(padded, from_hex("00010001")).fingerprint(), key.fingerprint());
}

TEST(RsaPublicKey, SpkiAndPkcs1GiveTheSameKey) {
  const auto a = RsaPublicKey::from_pem(kProductionKey);
  const auto b = RsaPublicKey::from_pem(kProductionKeySpki);
  EXPECT_EQ(a.n(), b.n());
  EXPECT_EQ(a.e(), b.e());
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
}

TEST(RsaPublicKey, RejectsGarbageAndWrongSizes) {
  EXPECT_THROW(RsaPublicKey::from_pem("not a key"), Error);
  EXPECT_THROW(RsaPublicKey::from_pem(kShortKey), Error);
  std::string truncated(kProductionKey);
  truncated.erase(100, 40);
  EXPECT_THROW(RsaPublicKey::from_pem(truncated), Error);
  EXPECT_THROW(RsaPublicKey::from_components(from_hex("C150023E"), from_hex("010001")), Error);
  const auto key = RsaPublicKey::from_pem(kProductionKey);
  EXPECT_THROW(key.encrypt_raw(std::vector<std::uint8_t>(255, 1)), Error);
  EXPECT_THROW(key.encrypt_raw(std::vector<std::uint8_t>(256, 0xff)), Error);  // not below n
}

TEST(RsaPrivateKey, PemRoundTripsAndPublicPkcs1) {
  const auto& key = server_key();
  const std::string pem = key.to_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  const auto again = RsaPrivateKey::from_pem(pem);
  EXPECT_EQ(again.public_key().n(), key.public_key().n());

  const std::string pub = key.public_pem_pkcs1();
  EXPECT_EQ(pub.rfind("-----BEGIN RSA PUBLIC KEY-----", 0), 0u) << pub;
  const auto parsed = RsaPublicKey::from_pem(pub);
  EXPECT_EQ(parsed.fingerprint(), key.public_key().fingerprint());
  EXPECT_EQ(parsed.n(), key.public_key().n());
}

TEST(RsaPrivateKey, AcceptsPkcs1PrivatePemAndRejectsPublicOnly) {
  const auto key = RsaPrivateKey::from_pem(kPkcs1PrivateKey);
  EXPECT_EQ(key.public_key().n().size(), 256u);
  EXPECT_THROW(RsaPrivateKey::from_pem(kProductionKey), Error);
  EXPECT_THROW(RsaPrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), Error);
  EXPECT_THROW(RsaPrivateKey::generate(1024), Error);
}

TEST(RsaPrivateKey, RawOperationsAreInverse) {
  const auto& key = server_key();
  const auto pub = key.public_key();
  std::vector<std::uint8_t> m(256);
  random_bytes(m);
  m[0] = 0;  // below any 2048-bit n
  m[1] = 0;  // and keep a leading zero byte in the result
  const auto c = pub.encrypt_raw(m);
  const auto back = key.decrypt_raw(c);
  EXPECT_TRUE(std::equal(back.begin(), back.end(), m.begin()));
  EXPECT_THROW(key.decrypt_raw(std::vector<std::uint8_t>(256, 0xff)), Error);
  const RsaPrivateKey copy = key;  // copies share the key
  EXPECT_EQ(copy.decrypt_raw(c), back);
}

// ---- RSA_PAD (auth_key step 4.1) ----

TEST(RsaPad, KnownAnswerOverTestDcKey) {
  const auto key = RsaPublicKey::from_pem(kTestDcKey);
  const auto data = from_hex(
      "955ff5a9081a8e635f5743de9b00000004453dc27100000004622f1fcb000000f7a81627bbf511fa4afef71e94a0937474586c1a"
      "dd9198dda81a5df8393871c8293623c5fb968894af1be7dfe9c7be813f9307789242fd0cb0c16a5cb39a8d3e");
  ASSERT_EQ(data.size(), 96u);
  // Randomness in spec order: 96 padding bytes, then the 32-byte temp_key.
  const auto padding = from_hex(
      "12270000635593b03fee033d0672f9afddf9124de9e77df6251806cba93482e4c9e6e06e7d44e4c4baae821aff91af447896"
      "89faaee9bdfc7b2df8c08709afe57396c4638ceaa0dc30114f82447e81d3b53edc423b32660c43a5b8ad057b6450");
  const auto temp_key = from_hex("aaf68fe9554ec7a59c03e4035952b220b47a8d06aad71134110d8c44948901f8");
  ASSERT_EQ(padding.size(), 96u);
  std::vector<std::uint8_t> script = padding;
  script.insert(script.end(), temp_key.begin(), temp_key.end());
  ReplayRng rng(script);
  const auto encrypted = rsa_pad_encrypt(key, data, rng);
  EXPECT_EQ(rng.remaining(), 0u);
  EXPECT_EQ(to_hex(encrypted),
            "C6D211349FC10CDA6983276250B09F4BE9B39F533B5D314B732B51A6DD72234DAB4224209992C894E0E4C9F30249F1DB"
            "BD1630A27B98F2F92A53C00BAABBD46F380BD35F417E5EC2EDB43F7644B5C81AF011D736EB369265E848B553AE5E6350"
            "DD5695EFC72BDE0E35F3C3FC827B91EB97CF1EFDBFF12269B9C33F81645ADEBC89ED167EDC19D285237A754BF629AA35"
            "8ED08498863B2AEC8B7139001627BBE8BDEF239474A5A43E664D278F39E72D694A206D7B838FD40868A71C4BFBFFA38B"
            "7679FAA502B7795CBE5AE1BD05CA7EB01FF5B05107265FD39BD5B4E19D392B735A3B0B5B21473062981BFF86FF9084A7"
            "B594775E3127C05FD454E19F794A4AB4");
}

TEST(RsaPad, RoundTripWithGeneratedKey) {
  const auto& key = server_key();
  const auto pub = key.public_key();
  for (std::size_t len : {0u, 1u, 96u, 100u, 144u}) {
    SCOPED_TRACE(len);
    std::vector<std::uint8_t> data(len);
    random_bytes(data);
    const auto encrypted = rsa_pad_encrypt(pub, data, system_rng());
    const auto padded = rsa_pad_decrypt(key, encrypted);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), padded.begin()));
  }
}

TEST(RsaPad, PaddingComesFromTheRngInOrder) {
  const auto& key = server_key();
  const auto data = from_hex(test::sample::kPQInnerData);  // the 100-byte p_q_inner_data_dc of samples-auth_key
  const auto padding = from_hex(test::sample::kRandomPaddingBytes);
  ASSERT_EQ(data.size() + padding.size(), 192u);
  std::vector<std::uint8_t> script = padding;
  for (int i = 0; i < 64 * 32; ++i) script.push_back(static_cast<std::uint8_t>(i * 7 + 1));  // temp_keys
  ReplayRng rng(script);
  const auto padded = rsa_pad_decrypt(key, rsa_pad_encrypt(key.public_key(), data, rng));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), padded.begin()));
  EXPECT_TRUE(std::equal(padding.begin(), padding.end(), padded.begin() + 100));
}

TEST(RsaPad, RetriesWithNewTempKeyWhenBlockIsNotBelowModulus) {
  // For the production key (n = E8BB...) about 9% of temp_keys give key_aes_encrypted >= n. Find one among
  // deterministic candidates and check that it is discarded in favour of the next temp_key.
  const auto key = RsaPublicKey::from_pem(kProductionKey);
  const std::vector<std::uint8_t> data(100, 0x42);
  const std::vector<std::uint8_t> padding(92, 0x17);
  const auto fallback = sha256(as_bytes("fallback temp_key"));
  bool saw_retry = false;
  for (int i = 0; i < 400 && !saw_retry; ++i) {
    const auto candidate = sha256(as_bytes("candidate " + std::to_string(i)));
    std::vector<std::uint8_t> script = padding;
    script.insert(script.end(), candidate.begin(), candidate.end());
    script.insert(script.end(), fallback.begin(), fallback.end());
    ReplayRng rng(script);
    const auto out = rsa_pad_encrypt(key, data, rng);
    if (rng.remaining() == 0) {  // the candidate was rejected
      saw_retry = true;
      std::vector<std::uint8_t> direct = padding;
      direct.insert(direct.end(), fallback.begin(), fallback.end());
      ReplayRng only_fallback(direct);
      EXPECT_EQ(rsa_pad_encrypt(key, data, only_fallback), out);
    } else {
      EXPECT_EQ(rng.remaining(), 32u);
    }
  }
  EXPECT_TRUE(saw_retry);
}

TEST(RsaPad, DetectsTampering) {
  const auto& key = server_key();
  const auto pub = key.public_key();
  const std::vector<std::uint8_t> data(120, 0x5a);
  const auto encrypted = rsa_pad_encrypt(pub, data, system_rng());

  // Flip one bit of the AES part *inside* the RSA envelope: RSA decrypts fine, the SHA256 check must fail.
  auto block = key.decrypt_raw(encrypted);
  block[100] ^= 0x01;
  EXPECT_THROW(rsa_pad_decrypt(key, pub.encrypt_raw(block)), Error);
  // Same with temp_key_xor.
  block = key.decrypt_raw(encrypted);
  block[5] ^= 0x80;
  EXPECT_THROW(rsa_pad_decrypt(key, pub.encrypt_raw(block)), Error);
  // A flipped ciphertext bit garbles everything.
  auto damaged = encrypted;
  damaged[200] ^= 0x04;
  EXPECT_THROW(rsa_pad_decrypt(key, damaged), Error);
  // Wrong key.
  const auto other = RsaPrivateKey::from_pem(kPkcs1PrivateKey);
  EXPECT_THROW(rsa_pad_decrypt(other, encrypted), Error);
  EXPECT_THROW(rsa_pad_decrypt(key, std::vector<std::uint8_t>(255, 1)), Error);
}

TEST(RsaPad, RejectsDataLongerThan144Bytes) {
  const auto key = RsaPublicKey::from_pem(kProductionKey);
  EXPECT_THROW(rsa_pad_encrypt(key, std::vector<std::uint8_t>(145, 1), system_rng()), Error);
}

// ---- legacy scheme ----

TEST(RsaLegacy, EarlierSamplesAuthKeyRevision) {
  // data_with_hash = SHA1(data) + data + padding, printed in full; replay its padding and compare.
  const auto key = RsaPublicKey::from_components(from_hex(test::sample::kOldServerKeyN), from_hex("010001"));
  const auto with_hash = from_hex(test::sample::kOldDataWithHash);
  ASSERT_EQ(with_hash.size(), 255u);
  const std::span<const std::uint8_t> data = std::span(with_hash).subspan(20, 96);  // p_q_inner_data
  ReplayRng rng(std::vector<std::uint8_t>(with_hash.begin() + 116, with_hash.end()));
  EXPECT_EQ(to_hex(rsa_legacy_encrypt(key, data, rng)), test::sample::kOldEncryptedData);
  EXPECT_EQ(rng.remaining(), 0u);
}

TEST(RsaLegacy, RoundTripAndHashCheck) {
  const auto& key = server_key();
  std::vector<std::uint8_t> data(96);
  random_bytes(data);
  const auto encrypted = rsa_legacy_encrypt(key.public_key(), data, system_rng());
  auto plain = rsa_legacy_decrypt(key, encrypted);
  ASSERT_EQ(plain.size(), 255u);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), plain.begin() + 20));
  EXPECT_TRUE(rsa_legacy_hash_matches(plain, 96));
  EXPECT_FALSE(rsa_legacy_hash_matches(plain, 95));
  EXPECT_FALSE(rsa_legacy_hash_matches(plain, 236));
  plain[50] ^= 1;
  EXPECT_FALSE(rsa_legacy_hash_matches(plain, 96));
  EXPECT_FALSE(rsa_legacy_hash_matches(std::span(plain).first(254), 96));
  EXPECT_THROW(rsa_legacy_encrypt(key.public_key(), std::vector<std::uint8_t>(236), system_rng()), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
