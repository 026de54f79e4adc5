#pragma once
// Why a Redis command did not produce a reply, as a kind a caller can act on: a lost connection (the command
// may or may not have run; the next command reconnects), a server error reply (-ERR, -WRONGTYPE, -NOSCRIPT ...),
// bytes that are not RESP, or a reply that did not come before the command's deadline. Messages name the server
// by host and port only, never a password.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mtpipe::scale::redis {

class RedisError : public std::runtime_error {
 public:
  enum class Kind : std::uint8_t {
    connection,  // could not connect, or the connection was lost before the reply came
    server,      // the server answered with an error reply
    protocol,    // the server sent something that is not RESP, or a reply nobody asked for
    timeout,     // no reply (or no connection) before the command's deadline
  };

  RedisError(Kind kind, const std::string& message, std::string server_code = {})
      : std::runtime_error(message), kind_(kind), server_code_(std::move(server_code)) {}
  // An error reply: the message is the server's text, the code its first word.
  static RedisError server(const std::string& reply_text);
  // The same error with `context` (where, which step) before its message.
  RedisError with_context(const std::string& context) const {
    return RedisError(kind_, context + ": " + what(), server_code_);
  }

  Kind kind() const noexcept { return kind_; }
  // For server errors: the first word of the reply ("ERR", "WRONGTYPE", "NOSCRIPT", "WRONGPASS"); empty otherwise.
  const std::string& server_code() const noexcept { return server_code_; }

 private:
  Kind kind_;
  std::string server_code_;
};

std::string_view to_string(RedisError::Kind kind) noexcept;

}  // namespace mtpipe::scale::redis
