// AES-256 block (FIPS-197 C.3, SP 800-38A F.1.5), CTR (SP 800-38A F.5.5/F.5.6) and IGE (the worked example of
// core.telegram.org/mtproto/samples-auth_key), each through every implementation this CPU can run.
#include "crypto/aes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/error.h"
#include "crypto/random.h"
#include "crypto/sha.h"
#include "hex.h"
#include "sample_data.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;

std::vector<AesImpl> impls() {
  std::vector<AesImpl> out{AesImpl::kEvp};
  if (aesni_supported()) out.push_back(AesImpl::kAesNi);
  return out;
}

std::string name(AesImpl impl) { return impl == AesImpl::kAesNi ? "AES-NI" : "EVP"; }

std::array<std::uint8_t, 16> block(std::string_view hex) {
  const auto v = from_hex(hex);
  std::array<std::uint8_t, 16> out{};
  std::copy(v.begin(), v.end(), out.begin());
  return out;
}

TEST(Aes256, AutoPicksAesNiWhenAvailable) {
  const std::vector<std::uint8_t> key(32, 0);
  Aes256 aes(key);
  EXPECT_EQ(aes.impl(), aesni_supported() ? AesImpl::kAesNi : AesImpl::kEvp);
  if (!aesni_supported()) GTEST_SKIP() << "CPU without AES-NI: only the EVP path is tested";
}

TEST(Aes256, Fips197AppendixC3) {
  const auto key = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  for (AesImpl impl : impls()) {
    SCOPED_TRACE(name(impl));
    Aes256 aes(key, impl);
    EXPECT_EQ(aes.impl(), impl);
    std::array<std::uint8_t, 16> out{};
    aes.encrypt_block(block("00112233445566778899aabbccddeeff"), out);
    EXPECT_EQ(to_hex(out), "8EA2B7CA516745BFEAFC49904B496089");
    aes.decrypt_block(out, out);  // in place
    EXPECT_EQ(to_hex(out), "00112233445566778899AABBCCDDEEFF");
  }
}

TEST(Aes256, Sp800_38a_F15_EcbAes256) {
  const auto key = from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const char* plain[] = {"6bc1bee22e409f96e93d7e117393172a", "ae2d8a571e03ac9c9eb76fac45af8e51",
                         "30c81c46a35ce411e5fbc1191a0a52ef", "f69f2445df4f9b17ad2b417be66c3710"};
  const char* cipher[] = {"F3EED1BDB5D2A03C064B5A7E3DB181F8", "591CCB10D410ED26DC5BA74A31362870",
                          "B6ED21B99CA6F4F9F153E7B1BEAFED1D", "23304B7A39F9F3FF067D8D8F9E24ECC7"};
  for (AesImpl impl : impls()) {
    SCOPED_TRACE(name(impl));
    Aes256 aes(key, impl);
    for (int i = 0; i < 4; ++i) {
      std::array<std::uint8_t, 16> out{}, back{};
      aes.encrypt_block(block(plain[i]), out);
      EXPECT_EQ(to_hex(out), cipher[i]);
      aes.decrypt_block(out, back);
      EXPECT_EQ(back, block(plain[i]));
    }
  }
}

TEST(Aes256, RejectsWrongKeySize) {
  const std::vector<std::uint8_t> key16(16, 0);
  EXPECT_THROW(Aes256 aes(key16), Error);
  EXPECT_THROW(AesIge ige(key16), Error);
}

TEST(Aes256, MoveKeepsTheKey) {
  const auto key = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  for (AesImpl impl : impls()) {
    SCOPED_TRACE(name(impl));
    Aes256 a(key, impl);
    Aes256 b = std::move(a);
    std::array<std::uint8_t, 16> out{};
    b.encrypt_block(block("00112233445566778899aabbccddeeff"), out);
    EXPECT_EQ(to_hex(out), "8EA2B7CA516745BFEAFC49904B496089");
    EXPECT_THROW(a.encrypt_block(out, out), Error);  // NOLINT(bugprone-use-after-move): the moved-from object refuses
  }
}

// ---- CTR, NIST SP 800-38A F.5.5 (CTR-AES256.Encrypt) and F.5.6 (CTR-AES256.Decrypt) ----

const auto kCtrKey = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
const auto kCtrIv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const auto kCtrPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
const auto kCtrCipher =
    "601EC313775789A5B7A7F504BBF3D228F443E3CA4D62B59ACA84E990CACAF5C5"
    "2B0930DAA23DE94CE87017BA2D84988DDFC9C58DB67AADA613C2DD08457941A6";

TEST(AesCtr, Sp800_38a_F55_Encrypt) {
  AesCtr ctr(from_hex(kCtrKey), from_hex(kCtrIv));
  const auto plain = from_hex(kCtrPlain);
  std::vector<std::uint8_t> out(plain.size());
  ctr.apply(plain, out);
  EXPECT_EQ(to_hex(out), kCtrCipher);
}

TEST(AesCtr, Sp800_38a_F56_DecryptInPlace) {
  AesCtr ctr(from_hex(kCtrKey), from_hex(kCtrIv));
  auto data = from_hex(kCtrCipher);
  ctr.apply(data);
  EXPECT_EQ(data, from_hex(kCtrPlain));
}

TEST(AesCtr, StreamingKeepsKeystreamPositionAcrossCalls) {
  // Chunks of 1, 7, 20 and 36 bytes: none aligned to the 16-byte block.
  AesCtr ctr(from_hex(kCtrKey), from_hex(kCtrIv));
  auto data = from_hex(kCtrPlain);
  std::span<std::uint8_t> rest(data);
  for (std::size_t n : {1u, 7u, 20u, 36u}) {
    ctr.apply(rest.first(n));
    rest = rest.subspan(n);
  }
  ASSERT_TRUE(rest.empty());
  EXPECT_EQ(to_hex(data), kCtrCipher);
}

TEST(AesCtr, RejectsBadSizes) {
  EXPECT_THROW(AesCtr(from_hex(kCtrIv), from_hex(kCtrIv)), Error);
  EXPECT_THROW(AesCtr(from_hex(kCtrKey), from_hex(kCtrKey)), Error);
  AesCtr ctr(from_hex(kCtrKey), from_hex(kCtrIv));
  std::vector<std::uint8_t> in(10), out(9);
  EXPECT_THROW(ctr.apply(in, out), Error);
}

// ---- IGE ----

// Step 6 of samples-auth_key: encrypted_answer decrypts with tmp_aes_key/iv to answer_with_hash, and
// answer_with_hash encrypts back to encrypted_answer.
TEST(AesIge, SamplesAuthKeyServerDhParamsOk) {
  const auto key = from_hex(test::sample::kTmpAesKey);
  const auto iv = from_hex(test::sample::kTmpAesIv);
  const auto encrypted = from_hex(test::sample::kEncryptedAnswer);
  const auto expected = from_hex(test::sample::kAnswerWithHash);
  ASSERT_EQ(encrypted.size(), 592u);
  for (AesImpl impl : impls()) {
    SCOPED_TRACE(name(impl));
    AesIge ige(key, impl);
    std::vector<std::uint8_t> plain(encrypted.size());
    ige.decrypt(iv, encrypted, plain);
    EXPECT_EQ(to_hex(plain), to_hex(expected));
    std::vector<std::uint8_t> again(plain.size());
    ige.encrypt(iv, plain, again);
    EXPECT_EQ(again, encrypted);
  }
}

// The same step in the earlier revision of the page (which printed `answer` without the hash and padding).
TEST(AesIge, SamplesAuthKeyEarlierRevision) {
  const auto key = from_hex(test::sample::kOldTmpAesKey);
  const auto iv = from_hex(test::sample::kOldTmpAesIv);
  const auto encrypted = from_hex(test::sample::kOldEncryptedAnswer);
  const auto answer = from_hex(test::sample::kOldAnswer);
  for (AesImpl impl : impls()) {
    SCOPED_TRACE(name(impl));
    AesIge ige(key, impl);
    auto data = encrypted;
    ige.decrypt(iv, data, data);  // in place
    ASSERT_GE(data.size(), 20 + answer.size());
    const auto hash = sha1(answer);
    EXPECT_TRUE(std::equal(hash.begin(), hash.end(), data.begin()));
    EXPECT_TRUE(std::equal(answer.begin(), answer.end(), data.begin() + 20));
  }
}

TEST(AesIge, RandomRoundTripAndBothPathsAgree) {
  std::vector<std::uint8_t> key(32), iv(32);
  for (std::size_t blocks : {0u, 1u, 2u, 3u, 17u, 256u, 4097u}) {
    random_bytes(key);
    random_bytes(iv);
    std::vector<std::uint8_t> plain(blocks * 16);
    random_bytes(plain);
    std::vector<std::vector<std::uint8_t>> ciphertexts;
    for (AesImpl impl : impls()) {
      SCOPED_TRACE(name(impl) + " blocks=" + std::to_string(blocks));
      AesIge ige(key, impl);
      std::vector<std::uint8_t> enc(plain.size()), dec(plain.size());
      ige.encrypt(iv, plain, enc);
      if (blocks > 0) {
        EXPECT_NE(enc, plain);
      }
      ige.decrypt(iv, enc, dec);
      EXPECT_EQ(dec, plain);
      auto inplace = plain;
      ige.encrypt(iv, inplace, inplace);
      EXPECT_EQ(inplace, enc);
      ige.decrypt(iv, inplace, inplace);
      EXPECT_EQ(inplace, plain);
      ciphertexts.push_back(enc);
    }
    for (const auto& c : ciphertexts) EXPECT_EQ(c, ciphertexts.front());
  }
}

TEST(AesIge, IvHalvesPlayTheirDocumentedRoles) {
  // With one block, c_1 = E(p_1 ^ iv[0..16)) ^ iv[16..32): check against the raw block cipher.
  std::vector<std::uint8_t> key(32), iv(32), plain(16);
  random_bytes(key);
  random_bytes(iv);
  random_bytes(plain);
  std::array<std::uint8_t, 16> t{};
  for (int i = 0; i < 16; ++i) t[i] = plain[i] ^ iv[i];
  Aes256 aes(key);
  aes.encrypt_block(t, t);
  for (int i = 0; i < 16; ++i) t[i] ^= iv[16 + i];
  std::vector<std::uint8_t> c(16);
  AesIge(key).encrypt(iv, plain, c);
  EXPECT_TRUE(std::equal(t.begin(), t.end(), c.begin()));
}

TEST(AesIge, RejectsBadArguments) {
  std::vector<std::uint8_t> key(32), iv(32), data(48);
  AesIge ige(key);
  std::vector<std::uint8_t> odd(17), odd_out(17), out32(32);
  EXPECT_THROW(ige.encrypt(iv, odd, odd_out), Error);                      // not a multiple of 16
  EXPECT_THROW(ige.decrypt(iv, odd, odd_out), Error);
  EXPECT_THROW(ige.encrypt(std::span(iv).first(16), out32, out32), Error);  // IV must be 32 bytes
  EXPECT_THROW(ige.encrypt(iv, std::span(data).first(32), std::span(out32).first(16)), Error);  // sizes differ
  // Shifted overlap: output starts one block into the input.
  EXPECT_THROW(ige.encrypt(iv, std::span(data).first(32), std::span(data).subspan(16)), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
