#include "scale/redis/redis_url.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mtpipe::scale::redis {
namespace {

// The message parse_redis_url threw for `text`; fails the test when it parsed.
std::string refusal(const std::string& text) {
  try {
    parse_redis_url(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "'" << text << "' parsed";
  return {};
}

TEST(RedisUrl, HostAloneTakesTheDefaults) {
  const RedisUrl url = parse_redis_url("redis://cache.internal");
  EXPECT_EQ(url.host, "cache.internal");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.db, 0);
  EXPECT_TRUE(url.username.empty());
  EXPECT_TRUE(url.password.empty());
  EXPECT_EQ(url.to_string(), "redis://cache.internal:6379");
}

TEST(RedisUrl, EveryPartGiven) {
  const RedisUrl url = parse_redis_url("  REDIS://alice:s3cret@10.0.0.5:6380/4\n");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 4);
  EXPECT_EQ(url.username, "alice");
  EXPECT_EQ(url.password, "s3cret");
}

TEST(RedisUrl, PasswordAloneAndTrailingSlash) {
  const RedisUrl url = parse_redis_url("redis://:pw@localhost/");
  EXPECT_TRUE(url.username.empty());
  EXPECT_EQ(url.password, "pw");
  EXPECT_EQ(url.db, 0);
}

TEST(RedisUrl, PasswordIsPercentDecodedAndMayHoldAnAt) {
  EXPECT_EQ(parse_redis_url("redis://:p%40ss%3Aw0rd@h").password, "p@ss:w0rd");
  EXPECT_EQ(parse_redis_url("redis://:p@ss/w@h:1").password, "p@ss/w");
}

TEST(RedisUrl, Ipv6InBrackets) {
  const RedisUrl url = parse_redis_url("redis://[::1]:7000/1");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 7000);
  EXPECT_EQ(url.address(), "[::1]:7000");
}

TEST(RedisUrl, ToStringHidesThePassword) {
  const RedisUrl url = parse_redis_url("redis://alice:topsecret@h:1/2");
  EXPECT_EQ(url.to_string(), "redis://alice:***@h:1/2");
}

TEST(RedisUrl, RefusalsSayWhatIsWrong) {
  EXPECT_NE(refusal("http://h").find("only redis://"), std::string::npos);
  EXPECT_NE(refusal("rediss://h").find("TLS"), std::string::npos);
  EXPECT_NE(refusal("unix:///tmp/redis.sock").find("unix sockets are not supported"), std::string::npos);
  EXPECT_NE(refusal("redis://").find("missing host"), std::string::npos);
  EXPECT_NE(refusal("redis://h:0").find("out of range"), std::string::npos);
  EXPECT_NE(refusal("redis://h:65536").find("out of range"), std::string::npos);
  EXPECT_NE(refusal("redis://h:http").find("port is not a number"), std::string::npos);
  EXPECT_NE(refusal("redis://h:").find("port is not a number"), std::string::npos);
  EXPECT_NE(refusal("redis://h/x").find("database is not a number"), std::string::npos);
  EXPECT_NE(refusal("redis://h/-1").find("is not a number"), std::string::npos);
  EXPECT_NE(refusal("redis://::1").find("brackets"), std::string::npos);
  EXPECT_NE(refusal("redis://[::1").find("unclosed"), std::string::npos);
  EXPECT_NE(refusal("redis://h?db=1").find("query"), std::string::npos);
  EXPECT_NE(refusal("redis://h o").find("invalid character in the host"), std::string::npos);
  EXPECT_NE(refusal("redis://alice@h").find("user name without a password"), std::string::npos);
  EXPECT_NE(refusal("redis://alice:@h").find("empty password"), std::string::npos);
  EXPECT_NE(refusal("redis://:p%4@h").find("percent-encoding in the password"), std::string::npos);
}

TEST(RedisUrl, RefusalsNeverQuoteThePassword) {
  for (const std::string text : {"redis://alice:hunter2@h:99999", "redis://:hunter2@", "redis://:hunter2@h/x",
                                 "redis://:hunter2%zz@h", "rediss://:hunter2@h", "redis://hunter2@h",
                                 // with the '@' and host left out, the password stands where the port would be
                                 "redis://:hunter2", "redis://alice:hunter2", "redis://alice:hunter2/0",
                                 "redis://h:hunter2/0"}) {
    const std::string message = refusal(text);
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("***"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace mtpipe::scale::redis
