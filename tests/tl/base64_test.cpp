#include "tl/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mtpipe::tl {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::string refusal(std::string_view text, Base64Alphabet alphabet) {
  try {
    from_base64(text, alphabet);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted " << text;
  return {};
}

// RFC 4648 §10.
struct Vector {
  std::string_view plain, encoded;
};
constexpr Vector kRfc4648[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
                               {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};

TEST(Base64, Rfc4648TestVectorsBothWays) {
  for (const auto& v : kRfc4648) {
    EXPECT_EQ(to_base64(v.plain), v.encoded) << v.plain;
    EXPECT_EQ(from_base64(v.encoded, Base64Alphabet::standard), bytes(v.plain)) << v.encoded;
    EXPECT_EQ(from_base64_any(v.encoded), bytes(v.plain)) << v.encoded;
  }
}

TEST(Base64, UnpaddedOutputAndInput) {
  for (const auto& v : kRfc4648) {
    const std::string unpadded(v.encoded.substr(0, v.encoded.find('=')));
    EXPECT_EQ(to_base64(v.plain, Base64Alphabet::standard, Base64Padding::without), unpadded);
    EXPECT_EQ(from_base64(unpadded, Base64Alphabet::standard), bytes(v.plain)) << unpadded;
    EXPECT_EQ(from_base64(unpadded, Base64Alphabet::url), bytes(v.plain)) << unpadded;
  }
}

TEST(Base64, UrlSafeAlphabetUsesDashAndUnderscore) {
  const std::vector<std::uint8_t> data{0xfb, 0xff, 0xbf, 0xfb, 0xff};  // sextets 62, 63, 62, 63, 62, 63, 60
  EXPECT_EQ(to_base64(data), "+/+/+/8=");
  EXPECT_EQ(to_base64(data, Base64Alphabet::url), "-_-_-_8=");
  EXPECT_EQ(to_base64(data, Base64Alphabet::url, Base64Padding::without), "-_-_-_8");
  EXPECT_EQ(from_base64("-_-_-_8=", Base64Alphabet::url), data);
  EXPECT_EQ(from_base64("-_-_-_8", Base64Alphabet::url), data);
  EXPECT_EQ(from_base64("+/+/+/8", Base64Alphabet::standard), data);
  EXPECT_EQ(from_base64_any("+_-/+_8="), data);  // mixed alphabets
}

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::vector<std::uint8_t> data;
  for (int n = 0; n < 300; ++n) {
    for (const auto alphabet : {Base64Alphabet::standard, Base64Alphabet::url})
      for (const auto padding : {Base64Padding::with, Base64Padding::without})
        ASSERT_EQ(from_base64(to_base64(data, alphabet, padding), alphabet), data) << n;
    data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base64, RefusesCharactersOutsideTheAlphabetWithTheirOffset) {
  EXPECT_EQ(refusal("Zm9-", Base64Alphabet::standard), "a character that is not base64 (at offset 3)");
  EXPECT_EQ(refusal("Zm9/", Base64Alphabet::url), "a character that is not base64url (at offset 3)");
  EXPECT_EQ(refusal("Zm 9v", Base64Alphabet::standard), "a character that is not base64 (at offset 2)");
  EXPECT_EQ(refusal("Zm9v\n", Base64Alphabet::standard), "a character that is not base64 (at offset 4)");
  EXPECT_THROW(from_base64_any("Zm9v!"), std::invalid_argument);
}

TEST(Base64, RefusesMisplacedPaddingAndImpossibleLengths) {
  EXPECT_NE(refusal("Zg=", Base64Alphabet::standard).find("padding"), std::string::npos);     // incomplete padding
  EXPECT_NE(refusal("Zg===", Base64Alphabet::standard).find("padding"), std::string::npos);   // too much
  EXPECT_NE(refusal("Z===", Base64Alphabet::standard).find("padding"), std::string::npos);
  EXPECT_NE(refusal("Zg==Zm8=", Base64Alphabet::standard).find("offset 2"), std::string::npos);  // '=' inside
  EXPECT_NE(refusal("Zm9vY", Base64Alphabet::standard).find("not a whole number of bytes"), std::string::npos);
  EXPECT_NE(refusal("====", Base64Alphabet::standard).find("padding"), std::string::npos);
}

}  // namespace
}  // namespace mtpipe::tl
