#include "scale/redis/resp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace {

TEST(Resp, CommandsAreArraysOfBulkStrings) {
  EXPECT_EQ(encode_command({"SET", "k", ""}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  const std::vector<std::string> binary{"ECHO", std::string("a\r\n\0b", 5)};
  constexpr char expected[] = "*2\r\n$4\r\nECHO\r\n$5\r\na\r\n\0b\r\n";
  EXPECT_EQ(encode_command(binary), std::string(expected, sizeof expected - 1));
}

TEST(Resp, EveryReplyTypeParses) {
  RespParser parser;
  const std::string bytes = "+OK\r\n-ERR no\r\n:-42\r\n$5\r\nhello\r\n$-1\r\n*3\r\n:1\r\n*0\r\n-WRONGTYPE x\r\n";
  parser.feed(bytes.data(), bytes.size());
  EXPECT_EQ(parser.next()->as_string(), "OK");
  const auto error = parser.next();
  EXPECT_EQ(error->type, RedisReply::Type::error);
  EXPECT_EQ(error->text, "ERR no");
  EXPECT_EQ(parser.next()->as_integer(), -42);
  EXPECT_EQ(parser.next()->as_string(), "hello");
  EXPECT_TRUE(parser.next()->is_nil());
  const auto array = parser.next();
  const auto& elements = array->as_array(3);
  EXPECT_EQ(elements[0].as_integer(), 1);
  EXPECT_TRUE(elements[1].as_array().empty());
  EXPECT_EQ(elements[2].type, RedisReply::Type::error);
  EXPECT_FALSE(parser.next());
}

TEST(Resp, ARepliesSplitAcrossReadsWaitsForItsEnd) {
  RespParser parser;
  const std::string bytes = "*2\r\n$3\r\nabc\r\n:7\r\n";
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    parser.feed(&bytes[i], 1);
    EXPECT_FALSE(parser.next()) << "after byte " << i;
  }
  parser.feed(&bytes.back(), 1);
  EXPECT_EQ(parser.next()->as_array(2)[1].as_integer(), 7);
}

TEST(Resp, GarbageIsAProtocolError) {
  RespParser parser;
  parser.feed("?what\r\n", 7);
  try {
    parser.next();
    FAIL() << "garbage parsed";
  } catch (const RedisError& e) {
    EXPECT_EQ(e.kind(), RedisError::Kind::protocol);
  }
}

TEST(Resp, AccessorsNameWhatTheyExpected) {
  try {
    RedisReply::make_string("x").as_integer();
    FAIL();
  } catch (const RedisError& e) {
    EXPECT_EQ(e.kind(), RedisError::Kind::protocol);
    EXPECT_STREQ(e.what(), "expected an integer in the reply, got string");
  }
  EXPECT_THROW(RedisReply::make_array({}).as_array(1), RedisError);
  EXPECT_THROW(RedisReply{}.as_string(), RedisError);
}

TEST(Resp, ServerCodeIsTheReplysFirstWordAndSurvivesContext) {
  const RedisError error = RedisError::server("NOSCRIPT No matching script");
  EXPECT_EQ(error.kind(), RedisError::Kind::server);
  EXPECT_EQ(error.server_code(), "NOSCRIPT");
  const RedisError wrapped = error.with_context("redis h:1: EVALSHA");
  EXPECT_STREQ(wrapped.what(), "redis h:1: EVALSHA: NOSCRIPT No matching script");
  EXPECT_EQ(wrapped.server_code(), "NOSCRIPT");
  EXPECT_EQ(RedisError(RedisError::Kind::connection, "NOSCRIPT lookalike").server_code(), "");
}

}  // namespace
}  // namespace mtpipe::scale::redis
