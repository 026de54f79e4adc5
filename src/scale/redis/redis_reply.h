#pragma once
// One RESP2 reply: nil, integer, bulk string, status ("+OK"), error ("-ERR ...") or array of replies. A top-level
// error reply never reaches the caller as a value (the command throws RedisError(server)); errors appear as values
// only inside arrays. The as_* accessors are how script results are decoded: each throws
// RedisError(protocol) naming what it expected and what came, so a script and its caller cannot silently disagree.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::scale::redis {

struct RedisReply {
  enum class Type : std::uint8_t { nil, integer, string, status, error, array };

  Type type = Type::nil;
  std::int64_t integer = 0;
  std::string text;                  // string, status and error
  std::vector<RedisReply> elements;  // array

  static RedisReply make_integer(std::int64_t value) { return {Type::integer, value, {}, {}}; }
  static RedisReply make_string(std::string value) { return {Type::string, 0, std::move(value), {}}; }
  static RedisReply make_status(std::string value) { return {Type::status, 0, std::move(value), {}}; }
  static RedisReply make_error(std::string value) { return {Type::error, 0, std::move(value), {}}; }
  static RedisReply make_array(std::vector<RedisReply> value) { return {Type::array, 0, {}, std::move(value)}; }

  bool is_nil() const noexcept { return type == Type::nil; }
  std::int64_t as_integer() const;
  // A bulk string or a status.
  const std::string& as_string() const;
  const std::vector<RedisReply>& as_array() const;
  // An array of exactly `size` elements.
  const std::vector<RedisReply>& as_array(std::size_t size) const;
};

std::string_view to_string(RedisReply::Type type) noexcept;

}  // namespace mtpipe::scale::redis
