#pragma once
// REDIS_URL: where the coordination server is. Pure parsing, no I/O. Accepted form:
//   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
// PORT defaults to 6379 and DB to 0; an IPv6 HOST is written in brackets ([::1]:6379). USER and PASSWORD are
// percent-decoded (write %40 for '@', %3A for ':'); the last '@' ends them, so an unescaped '@' in a password
// works too. A USER without ':PASSWORD' is refused rather than guessed at (Redis ACL users always log in with a
// password). rediss:// (TLS) and unix sockets are not supported.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

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

// What parse_redis_url throws: what() quotes the text as net::redact_url_text shows it, e.g.
// "Redis URL 'redis://:***@***': port out of range (1-65535)"; reason() is what is wrong alone. Neither quotes
// any part of the text itself (a port, a host character): with the '@' left out, a password stands where the
// port would be.
class RedisUrlError : public std::invalid_argument {
 public:
  RedisUrlError(const std::string& shown_url, std::string reason)
      : std::invalid_argument("Redis URL '" + shown_url + "': " + reason), reason_(std::move(reason)) {}
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string reason_;
};

// Throws RedisUrlError. Surrounding whitespace is ignored.
RedisUrl parse_redis_url(std::string_view text);

}  // namespace mtpipe::scale::redis
