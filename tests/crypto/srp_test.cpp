// SRP 2FA (core.telegram.org/api/srp). Known answer: gotd/td's internal/crypto/srp/srp_test.go (password
// "123123" with real account parameters and a = 1), which our implementation reproduces; the rest checks the
// client against the emulator side.
#include "crypto/srp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/dh.h"
#include "crypto/error.h"
#include "hex.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;

const std::vector<std::uint8_t> kP(kTelegramDhPrime.begin(), kTelegramDhPrime.end());
const auto kSalt1 = from_hex("4D11FB6BEC38F9D2546BB0F61E4F1C99A1BC0DB8F0D5F35B1291B37B213123D7ED48F3C6794D495B");
const auto kSalt2 = from_hex("A1B181AAFE88188680AE32860D60BB01");
const auto kSrpB = from_hex(
    "9C52401A6A8084EC82F01C3725D3FB448BD2F0C909F9D97726EAC4B7A74172D952F02466BE6734FA274D2B7429E27397"
    "F10372D66B400B80A5C5AE3F28B17BF3105D7A2D2A885998CDC2DEFC208AEC217AB58859A9ABC2374AD93DC285F4B3FB"
    "CAFF4143D7888F2425BD2FB711B25609CEB21757D935B1EF2F042173AD0CE2FE0E474DAC53914BD25A8A9AED4AEA8953"
    "D55CB88621DB37B871EA0D04393AC0987F68094CCC9DE8239251375D8FFFD263316CD528C097B7BC9FB919FBEDB76C52"
    "5DF3413C374EE076D97A1E6D352BB7CC80FD13651B04B32E2E48C5268150842CFD07CF855958B1B5EA9C36FDAD697FE3"
    "AEC8DCC6B1EFEC36874AF226204676CF");

TEST(Srp, KnownAnswerFromGotd) {
  std::vector<std::uint8_t> a(256, 0);
  a[255] = 1;
  const auto answer = srp_client_answer_with_a(as_bytes("123123"), kSalt1, kSalt2, 3, kP, kSrpB, a);
  EXPECT_EQ(answer.A[255], 3);  // g^1
  EXPECT_EQ(std::count(answer.A.begin(), answer.A.end(), 0), 255);
  EXPECT_EQ(to_hex(answer.M1), "999DF906BDA2C6CBB52F503406EBA2D0D0503ACE0CC302C38F13EE5010AD4051");
}

struct Server {
  std::array<std::uint8_t, 256> v;
  std::vector<std::uint8_t> b = std::vector<std::uint8_t>(256);
  std::array<std::uint8_t, 256> B;
};

Server make_server(std::string_view password, const std::vector<std::uint8_t>& salt1,
                   const std::vector<std::uint8_t>& salt2) {
  Server s;
  s.v = srp_verifier(as_bytes(password), salt1, salt2, 3, kP);
  random_bytes(s.b);
  s.B = srp_server_B(s.v, 3, kP, s.b);
  return s;
}

TEST(Srp, ClientAnswerVerifiesOnTheServerAndWrongPasswordFails) {
  std::vector<std::uint8_t> salt1(40), salt2(16);
  random_bytes(salt1);
  random_bytes(salt2);
  const Server server = make_server("correct horse", salt1, salt2);

  const auto good = srp_client_answer(as_bytes("correct horse"), salt1, salt2, 3, kP, server.B, system_rng());
  EXPECT_TRUE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, good.A, salt1, salt2, good.M1));

  const auto bad = srp_client_answer(as_bytes("correct horsf"), salt1, salt2, 3, kP, server.B, system_rng());
  EXPECT_FALSE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, bad.A, salt1, salt2, bad.M1));

  // Any change to the proof, A or the salts is detected.
  auto m1 = good.M1;
  m1[0] ^= 1;
  EXPECT_FALSE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, good.A, salt1, salt2, m1));
  auto other_salt = salt2;
  other_salt[3] ^= 0x10;
  EXPECT_FALSE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, good.A, salt1, other_salt, good.M1));
  auto other_A = good.A;
  other_A[200] ^= 1;
  EXPECT_FALSE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, other_A, salt1, salt2, good.M1));
  // A forged A outside the DH range is refused outright.
  std::vector<std::uint8_t> one(256, 0);
  one[255] = 1;
  EXPECT_FALSE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, one, salt1, salt2, good.M1));
}

TEST(Srp, ClientRegeneratesAWhenAIsOutOfRange) {
  std::vector<std::uint8_t> salt1(8, 1), salt2(8, 2);
  const Server server = make_server("pw", salt1, salt2);
  std::vector<std::uint8_t> script(256, 0);
  script[255] = 1;  // a = 1 -> A = 3: outside [2^1984, p - 2^1984], must be skipped
  std::vector<std::uint8_t> second(256);
  random_bytes(second);
  script.insert(script.end(), second.begin(), second.end());
  ReplayRng rng(script);
  const auto answer = srp_client_answer(as_bytes("pw"), salt1, salt2, 3, kP, server.B, rng);
  EXPECT_EQ(rng.remaining(), 0u);
  EXPECT_EQ(answer.A, dh_power(3, second, kP));
  EXPECT_TRUE(srp_server_check_M1(server.v, 3, kP, server.b, server.B, answer.A, salt1, salt2, answer.M1));
}

TEST(Srp, ClientRefusesBadParameters) {
  const auto pw = as_bytes("123123");
  EXPECT_THROW(srp_client_answer(pw, kSalt1, kSalt2, 2, kP, kSrpB, system_rng()), Error);  // g = 2 not a QR
  std::vector<std::uint8_t> not_prime(256, 0xff);
  EXPECT_THROW(srp_client_answer(pw, kSalt1, kSalt2, 4, not_prime, kSrpB, system_rng()), Error);
  std::vector<std::uint8_t> small_B(256, 0);
  small_B[255] = 5;
  EXPECT_THROW(srp_client_answer(pw, kSalt1, kSalt2, 3, kP, small_B, system_rng()), Error);
  EXPECT_THROW(srp_client_answer(pw, kSalt1, kSalt2, 3, kP, kP, system_rng()), Error);  // B = p
}

TEST(Srp, PasswordHashDependsOnEverySalt) {
  const auto x = srp_password_hash(as_bytes("pw"), kSalt1, kSalt2);
  EXPECT_NE(x, srp_password_hash(as_bytes("pw"), kSalt2, kSalt1));
  EXPECT_NE(x, srp_password_hash(as_bytes("pW"), kSalt1, kSalt2));
  EXPECT_EQ(x, srp_password_hash(as_bytes("pw"), kSalt1, kSalt2));
}

}  // namespace
}  // namespace mtpipe::crypto
