#pragma once
// REDIS_URL: where the coordination server is. Pure parsing, no I/O. Accepted form:
//   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
// PORT defaults to 6379 and DB to 0; an IPv6 HOST is written in brackets ([::1]:6379). USER and PASSWORD are
// percent-decoded (write %40 for '@', %3A for ':'); the last '@' ends them, so an unescaped '@' in a password
// works too. A USER without ':PASSWORD' is refused rather than guessed at (Redis ACL users always log in with a
// password). rediss:// (TLS) and unix sockets are not supported.

#include <cstdint>
#include <string>
#include <string_view>

namespace mtpipe::scale::redis {

struct RedisUrl {
  std::string host;
  std::uint16_t port = 6379;
  std::string username;  // empty: the default user (AUTH PASSWORD); else AUTH USER PASSWORD
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT db on connect when not 0

  // For logs and error messages: "redis://user:***@host:6379/2". Never the password.
  std::string to_string() const;
  // "host:port" ("[::1]:6379" for IPv6), how errors name the server.
  std::string address() const;
};

// Throws std::invalid_argument saying what is wrong and quoting the text with any password hidden, e.g.
// "Redis URL 'redis://:***@host:99999': port 99999 out of range (1-65535)". Surrounding whitespace is ignored.
RedisUrl parse_redis_url(std::string_view text);

}  // namespace mtpipe::scale::redis
