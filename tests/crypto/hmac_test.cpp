// HMAC-SHA256 against RFC 4231 §4 (test cases 1-4, 6 and 7; case 5 tests truncated output, which we do not offer).
#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "hex.h"

namespace mtpipe::crypto {
namespace {

using test::from_hex;
using test::to_hex;

std::vector<std::uint8_t> repeated(std::uint8_t byte, std::size_t n) { return std::vector<std::uint8_t>(n, byte); }

TEST(HmacSha256, Rfc4231TestCases) {
  // 1: a 20-byte key.
  EXPECT_EQ(to_hex(hmac_sha256(repeated(0x0b, 20), as_bytes("Hi There"))),
            "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
  // 2: a key shorter than the output.
  EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
  // 3: combined key and data of 50 bytes.
  EXPECT_EQ(to_hex(hmac_sha256(repeated(0xaa, 20), repeated(0xdd, 50))),
            "773EA91E36800E46854DB8EBD09181A72959098B3EF8C122D9635514CED565FE");
  // 4: a 25-byte key 0x01..0x19.
  EXPECT_EQ(to_hex(hmac_sha256(from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeated(0xcd, 50))),
            "82558A389A443C0EA4CC819899F2083A85F0FAA3E578F8077A2E3FF46729665B");
  // 6: a key longer than SHA-256's 64-byte block, hashed first.
  EXPECT_EQ(to_hex(hmac_sha256(repeated(0xaa, 131), as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54");
  // 7: key and data both longer than a block.
  EXPECT_EQ(to_hex(hmac_sha256(repeated(0xaa, 131),
                               as_bytes("This is a test using a larger than block-size key and a larger than block-size "
                                        "data. The key needs to be hashed before being used by the HMAC algorithm."))),
            "9B09FFA71B942FCB27635FBCD5B0E944BFDC63644F0713938A7F51535C3A35E2");
}

TEST(HmacSha256, PartsAreHashedAsTheirConcatenation) {
  const auto key = as_bytes("Jefe");
  const auto whole = hmac_sha256(key, as_bytes("what do ya want for nothing?"));
  EXPECT_EQ(hmac_sha256(key, as_bytes("what do ya "), as_bytes(""), as_bytes("want for nothing?")), whole);
  EXPECT_EQ(hmac_sha256(key, as_bytes("w"), as_bytes("hat do ya want"), as_bytes(" for nothing?")), whole);
  EXPECT_NE(hmac_sha256(key, as_bytes("what do ya want for nothing!")), whole);
  EXPECT_EQ(hmac_sha256(key), hmac_sha256(key, as_bytes("")));
}

TEST(HmacSha256, EmptyKeyIsAValidKey) {
  // HMAC pads the key with zeros to the block size, so an empty key and a single zero byte are the same key.
  const std::vector<std::uint8_t> zero{0};
  EXPECT_EQ(hmac_sha256(std::span<const std::uint8_t>(), as_bytes("data")), hmac_sha256(zero, as_bytes("data")));
  EXPECT_NE(hmac_sha256(std::span<const std::uint8_t>(), as_bytes("data")), hmac_sha256(as_bytes("k"), as_bytes("data")));
}

}  // namespace
}  // namespace mtpipe::crypto
