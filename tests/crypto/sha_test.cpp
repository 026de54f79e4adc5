// SHA-1 / SHA-256 against the examples of FIPS 180-2 (Appendix A and B: "abc", the 448-bit two-block message,
// one million 'a'), plus the context-reuse contract of Sha1/Sha256.
#include "crypto/sha.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "hex.h"

namespace mtpipe::crypto {
namespace {

using test::to_hex;

const std::string kAbc = "abc";
const std::string kTwoBlock = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string kMillionA(1000000, 'a');

TEST(Sha1, Fips180Examples) {
  EXPECT_EQ(to_hex(sha1(as_bytes(kAbc))), "A9993E364706816ABA3E25717850C26C9CD0D89D");
  EXPECT_EQ(to_hex(sha1(as_bytes(kTwoBlock))), "84983E441C3BD26EBAAE4AA1F95129E5E54670F1");
  EXPECT_EQ(to_hex(sha1(as_bytes(kMillionA))), "34AA973CD4C4DAA4F61EEB2BDBAD27316534016F");
}

TEST(Sha256, Fips180Examples) {
  EXPECT_EQ(to_hex(sha256(as_bytes(kAbc))), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(to_hex(sha256(as_bytes(kTwoBlock))), "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1");
  EXPECT_EQ(to_hex(sha256(as_bytes(kMillionA))), "CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0");
}

TEST(Sha, EmptyInput) {
  EXPECT_EQ(to_hex(sha1()), "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
  EXPECT_EQ(to_hex(sha256(std::vector<std::uint8_t>{})),
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
}

TEST(Sha256, ContextIsReusableAfterFinish) {
  Sha256 h;
  h.update(as_bytes(kAbc));
  const auto first = h.finish();
  // Same object, next message: must not carry anything over from "abc".
  h.update(as_bytes(kTwoBlock));
  const auto second = h.finish();
  h.update(as_bytes(kAbc));
  const auto third = h.finish();
  EXPECT_EQ(to_hex(first), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(to_hex(second), "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1");
  EXPECT_EQ(third, first);
}

TEST(Sha1, ResetDropsPendingInput) {
  Sha1 h;
  h.update(as_bytes(kTwoBlock));
  h.reset();
  h.update(as_bytes(kAbc));
  EXPECT_EQ(to_hex(h.finish()), "A9993E364706816ABA3E25717850C26C9CD0D89D");
}

TEST(Sha, IncrementalUpdatesAcrossBlockBoundaries) {
  // Feed the million 'a' in uneven pieces so updates straddle the 64-byte block boundary.
  Sha1 h1;
  Sha256 h256;
  std::size_t done = 0;
  for (std::size_t step = 1; done < kMillionA.size(); step = step * 7 % 1000 + 1) {
    const std::size_t n = std::min(step, kMillionA.size() - done);
    h1.update(as_bytes(std::string_view(kMillionA).substr(done, n)));
    h256.update(as_bytes(std::string_view(kMillionA).substr(done, n)));
    done += n;
  }
  EXPECT_EQ(to_hex(h1.finish()), "34AA973CD4C4DAA4F61EEB2BDBAD27316534016F");
  EXPECT_EQ(to_hex(h256.finish()), "CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0");
}

TEST(Sha, VariadicHelpersHashTheConcatenation) {
  // "abcdbcde..." split into three parts of different container types.
  const auto all = as_bytes(kTwoBlock);
  const std::vector<std::uint8_t> a(all.begin(), all.begin() + 5);
  const std::array<std::uint8_t, 3> b{all[5], all[6], all[7]};
  const auto c = all.subspan(8);
  EXPECT_EQ(sha1(a, b, c), sha1(all));
  EXPECT_EQ(sha256(a, b, c), sha256(all));
  EXPECT_NE(sha256(b, a, c), sha256(all));  // order matters
}

TEST(Sha, MovedObjectKeepsState) {
  Sha256 h;
  h.update(as_bytes(std::string_view("ab")));
  Sha256 moved = std::move(h);
  moved.update(as_bytes(std::string_view("c")));
  EXPECT_EQ(to_hex(moved.finish()), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
}

}  // namespace
}  // namespace mtpipe::crypto
