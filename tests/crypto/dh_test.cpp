// DH parameter and value checks of core.telegram.org/mtproto/auth_key and mtproto/security_guidelines: every
// rejection, plus key generation and the 256-byte auth_key.
#include "crypto/dh.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <functional>
#include <string>
#include <vector>

#include "crypto/error.h"
#include "hex.h"
#include "sample_data.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;

const std::vector<std::uint8_t> kP(kTelegramDhPrime.begin(), kTelegramDhPrime.end());

// RFC 3526 section 3, the 2048-bit MODP group: a safe prime with generator 2, independent of Telegram, so
// accepting it exercises the real primality tests rather than the built-in shortcut.
const char* kRfc3526Prime =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF";

// A 2048-bit prime that is not safe: made with `openssl prime -generate -bits 2048 -hex`; `openssl prime` says
// (p-1)/2 is not prime. p mod 8 = 3, so only g = 4 passes the generator condition.
const char* kUnsafePrime =
    "D5F2445075B4CAB254DAAB43F0C87BF6D80D08C6C8406ECD00E2096517189993DDA0A083BFA1368C19161C6650959A07"
    "4B04FACD991270C72A4860BE8F22E28E9E272377424A82A16065835C44D5F943F228A1BE5F40FC5BF259B021E07955D9"
    "C2726FFDDB14ADD78D9ECC624AFC1C67088B8A2DFD7128A434DF8EA75B6D9C33C47F28FCFF875B9A362149EA7DA08204"
    "99291DA4035825CAA0AE969F395C3C97CC882C2F0B8FD275EA6A09057706328828F0044729523908CE3E1D65ABDC7738"
    "6A92948F2F19065B0382EC742881FB997CA3C306705309F53C12C129E2B13D2F89D7E4E817300625656DBCAB9C88F131"
    "4EC73C6E1115539EC0EAAF457FD42DCB";

// Big-number helpers for building edge values (this test links OpenSSL through mtpipe_crypto).
std::vector<std::uint8_t> to_bytes(const BIGNUM* b) {
  std::vector<std::uint8_t> out(256);
  EXPECT_EQ(BN_bn2binpad(b, out.data(), 256), 256);
  return out;
}

// p + delta (delta may be negative)
std::vector<std::uint8_t> p_plus(std::int64_t delta) {
  BIGNUM* b = BN_bin2bn(kP.data(), 256, nullptr);
  if (delta >= 0) {
    BN_add_word(b, static_cast<BN_ULONG>(delta));
  } else {
    BN_sub_word(b, static_cast<BN_ULONG>(-delta));
  }
  auto out = to_bytes(b);
  BN_free(b);
  return out;
}

// 2^1984 + delta, and p - 2^1984 + delta
std::vector<std::uint8_t> margin_plus(std::int64_t delta, bool from_top) {
  BIGNUM* m = BN_new();
  BN_set_bit(m, 2048 - 64);
  if (from_top) {
    BIGNUM* p = BN_bin2bn(kP.data(), 256, nullptr);
    BN_sub(m, p, m);
    BN_free(p);
  }
  if (delta >= 0) {
    BN_add_word(m, static_cast<BN_ULONG>(delta));
  } else {
    BN_sub_word(m, static_cast<BN_ULONG>(-delta));
  }
  auto out = to_bytes(m);
  BN_free(m);
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DhParams, TelegramPrimeWithEachGenerator) {
  // Expected from Euler's criterion g^((p-1)/2) mod p computed independently: 3, 4, 7 are quadratic residues
  // modulo Telegram's prime, 2, 5, 6 are not (p mod 8 = 3, p mod 5 = 3, p mod 24 = 11).
  for (int g : {3, 4, 7}) EXPECT_NO_THROW(check_dh_params(kP, g)) << g;
  for (int g : {2, 5, 6}) {
    EXPECT_NE(error_of([&] { check_dh_params(kP, g); }).find("does not generate"), std::string::npos) << g;
  }
  EXPECT_TRUE(dh_prime_is_trusted(kP));
}

TEST(DhParams, GeneratorOutOfRange) {
  for (int g : {-3, 0, 1, 8, 256}) {
    EXPECT_NE(error_of([&] { check_dh_params(kP, g); }).find("not in 2..7"), std::string::npos) << g;
  }
}

TEST(DhParams, IndependentSafePrimeIsTestedAndCached) {
  const auto p = from_hex(kRfc3526Prime);
  EXPECT_FALSE(dh_prime_is_trusted(p));
  EXPECT_NO_THROW(check_dh_params(p, 2));   // p mod 8 = 7
  EXPECT_TRUE(dh_prime_is_trusted(p));      // the primality result is cached...
  // Every g in 2..7 is a quadratic residue modulo this prime (Euler's criterion, computed independently).
  for (int g = 2; g <= 7; ++g) EXPECT_NO_THROW(check_dh_params(p, g)) << g;
  EXPECT_THROW(check_dh_params(p, 8), Error);
  auto with_zero = p;
  with_zero.insert(with_zero.begin(), 0);   // same number, one leading zero byte
  EXPECT_TRUE(dh_prime_is_trusted(with_zero));
}

TEST(DhParams, PrimeThatIsNotSafe) {
  EXPECT_NE(error_of([] { check_dh_params(from_hex(kUnsafePrime), 4); }).find("not safe"), std::string::npos);
  EXPECT_FALSE(dh_prime_is_trusted(from_hex(kUnsafePrime)));
}

TEST(DhParams, CompositeP) {
  // 2^2048 - 1 is divisible by 3; kTelegramDhPrime + 2 is divisible by 5.
  EXPECT_NE(error_of([] { check_dh_params(std::vector<std::uint8_t>(256, 0xff), 4); }).find("not prime"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_dh_params(p_plus(2), 4); }).find("not prime"), std::string::npos);
}

TEST(DhParams, WrongSize) {
  // 2047 bits: p / 2; 2049 bits: 1 || p.
  BIGNUM* b = BN_bin2bn(kP.data(), 256, nullptr);
  BN_rshift1(b, b);
  const auto half = to_bytes(b);
  BN_free(b);
  EXPECT_NE(error_of([&] { check_dh_params(half, 4); }).find("2048-bit"), std::string::npos);
  auto longer = kP;
  longer.insert(longer.begin(), 1);
  EXPECT_NE(error_of([&] { check_dh_params(longer, 4); }).find("2048-bit"), std::string::npos);
  EXPECT_THROW(check_dh_params(std::vector<std::uint8_t>{}, 3), Error);
}

TEST(DhValue, Bounds) {
  const auto reject = [](const std::vector<std::uint8_t>& x) {
    return !error_of([&] { check_dh_value(x, kP); }).empty();
  };
  EXPECT_TRUE(reject({0}));
  EXPECT_TRUE(reject({1}));                 // g_a = 1
  EXPECT_TRUE(reject({2}));                 // > 1 but far below 2^1984
  EXPECT_TRUE(reject(p_plus(-1)));          // g_a = p - 1
  EXPECT_TRUE(reject(kP));                  // g_a = p
  EXPECT_TRUE(reject(p_plus(1)));
  EXPECT_TRUE(reject(margin_plus(-1, false)));  // 2^1984 - 1
  EXPECT_FALSE(reject(margin_plus(0, false)));  // 2^1984
  EXPECT_FALSE(reject(margin_plus(1, false)));
  EXPECT_FALSE(reject(margin_plus(-1, true)));  // p - 2^1984 - 1
  EXPECT_FALSE(reject(margin_plus(0, true)));   // p - 2^1984
  EXPECT_TRUE(reject(margin_plus(1, true)));    // p - 2^1984 + 1
  EXPECT_NE(error_of([] { check_dh_value(std::vector<std::uint8_t>{1}, kP); }).find("greater than 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_dh_value(p_plus(-1), kP); }).find("less than p - 1"), std::string::npos);
  EXPECT_NE(error_of([] { check_dh_value(margin_plus(-1, false), kP); }).find("below 2^(2048-64)"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_dh_value(margin_plus(1, true), kP); }).find("above p - 2^(2048-64)"),
            std::string::npos);
}

TEST(DhValue, SampleValuesPass) {
  EXPECT_NO_THROW(check_dh_value(from_hex(test::sample::kGB), kP));
  EXPECT_NO_THROW(check_dh_value(from_hex(test::sample::kAuthKey), kP));
}

TEST(DhKey, RegeneratesUntilGaPassesTheCheck) {
  // First exponent 1 gives g_a = 3, which must be refused; the second is used.
  std::vector<std::uint8_t> script(256, 0);
  script[255] = 1;
  std::vector<std::uint8_t> second(256);
  random_bytes(second);
  script.insert(script.end(), second.begin(), second.end());
  ReplayRng rng(script);
  const DhKey key = make_dh_key(3, kP, rng);
  EXPECT_EQ(rng.remaining(), 0u);
  EXPECT_TRUE(std::equal(second.begin(), second.end(), key.a.begin()));
  EXPECT_EQ(key.g_a, dh_power(3, second, kP));
  EXPECT_NO_THROW(check_dh_value(key.g_a, kP));
}

TEST(DhKey, RefusesBadParameters) {
  EXPECT_THROW(make_dh_key(2, kP, system_rng()), Error);
  EXPECT_THROW(make_dh_key(4, from_hex(kUnsafePrime), system_rng()), Error);
}

TEST(DhKey, BothSidesAgree) {
  const DhKey client = make_dh_key(3, kP, system_rng());
  const DhKey server = make_dh_key(3, kP, system_rng());
  const auto k1 = compute_auth_key(server.g_a, client.a, kP);
  const auto k2 = compute_auth_key(client.g_a, server.a, kP);
  EXPECT_EQ(k1, k2);
  EXPECT_NE(client.g_a, server.g_a);
}

TEST(AuthKey, KeepsLeadingZeroBytes) {
  // With exponent 1 the key equals the peer value; 2^1984 + 5 is acceptable and has 7 leading zero bytes.
  const auto peer = margin_plus(5, false);
  const auto key = compute_auth_key(peer, std::vector<std::uint8_t>{1}, kP);
  EXPECT_EQ(key.size(), 256u);
  EXPECT_EQ(std::vector<std::uint8_t>(key.begin(), key.end()), peer);
  EXPECT_EQ(to_hex(std::span(key).first(8)), "0000000000000001");
}

TEST(AuthKey, RefusesBadPeerValues) {
  const std::vector<std::uint8_t> a(256, 0x33);
  EXPECT_THROW(compute_auth_key(std::vector<std::uint8_t>{1}, a, kP), Error);
  EXPECT_THROW(compute_auth_key(p_plus(-1), a, kP), Error);
  EXPECT_THROW(compute_auth_key(margin_plus(-1, false), a, kP), Error);
  EXPECT_THROW(compute_auth_key(margin_plus(1, true), a, kP), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
