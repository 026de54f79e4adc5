// Method: the constructor id a query starts with and the schema's name for it, found once.
#include "client/method.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mtpipe::client {
namespace {

TEST(Method, ReadsTheIdOfAQueryAndNamesItFromTheSchema) {
  const std::vector<std::uint8_t> query{0xc5, 0xe6, 0x23, 0x44, 0xff};  // messages.getHistory, then arguments
  const Method m = Method::of(query);
  EXPECT_EQ(m.id(), 0x4423e6c5u);
  EXPECT_EQ(m.name(), "messages.getHistory");
  EXPECT_EQ(m.text(), "messages.getHistory");
  EXPECT_EQ(m, Method::named("messages.getHistory"));
}

TEST(Method, AnIdTheSchemaDoesNotKnowIsNamedAlikeButToldApartById) {
  const Method a(0x01020304u), b(0x01020305u);
  EXPECT_EQ(a.name(), Method::kUnknown);
  EXPECT_EQ(b.name(), Method::kUnknown);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.text(), "method#16909060");
  EXPECT_EQ(Method::of(std::vector<std::uint8_t>{1, 2}).id(), 0u);  // too short to hold an id
  EXPECT_THROW(Method::named("messages.noSuchThing"), std::invalid_argument);
}

}  // namespace
}  // namespace mtpipe::client
