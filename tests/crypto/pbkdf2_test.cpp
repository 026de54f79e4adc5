// PBKDF2-HMAC-SHA512 against the widely published test vectors for that PRF (the RFC 6070 inputs run with
// SHA-512, e.g. stackoverflow.com/a/19898265 "Test vectors for PBKDF2-HMAC-SHA512"; the same values appear in
// the test suites of several PBKDF2 libraries).
#include "crypto/pbkdf2.h"

#include <gtest/gtest.h>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "hex.h"

namespace mtpipe::crypto {
namespace {

using test::to_hex;

TEST(Pbkdf2HmacSha512, PublishedVectors) {
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(as_bytes("password"), as_bytes("salt"), 1)),
            "867F70CF1ADE02CFF3752599A3A53DC4AF34C7A669815AE5D513554E1C8CF252"
            "C02D470A285A0501BAD999BFE943C08F050235D7D68B1DA55E63F73B60A57FCE");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(as_bytes("password"), as_bytes("salt"), 2)),
            "E1D9C16AA681708A45F5C7C4E215CEB66E011A2E9F0040713F18AEFDB866D53C"
            "F76CAB2868A39B9F7840EDCE4FEF5A82BE67335C77A6068E04112754F27CCF4E");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(as_bytes("password"), as_bytes("salt"), 4096)),
            "D197B1B33DB0143E018B12F3D1D1479E6CDEBDCC97C5C0F87F6902E072F457B5"
            "143F30602641B3D55CD335988CB36B84376060ECD532E039B742A239434AF2D5");
  EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(as_bytes("passwordPASSWORDpassword"),
                                      as_bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"), 4096)),
            "8C0511F4C6E597C6AC6315D8F0362E225F3C501495BA23B868C005174DC4EE71"
            "115B59F9E60CD9532FA33E0F75AEFE30225C583A186CD82BD4DAEA9724A3D3B8");
}

TEST(Pbkdf2HmacSha512, RejectsZeroIterations) {
  EXPECT_THROW(pbkdf2_hmac_sha512(as_bytes("password"), as_bytes("salt"), 0), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
