#include "scale/redis/redis_reply.h"

#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace {

[[noreturn]] void unexpected(std::string_view expected, const RedisReply& got) {
  std::string what = "expected " + std::string(expected) + " in the reply, got " + std::string(to_string(got.type));
  if (got.type == RedisReply::Type::error) what += " '" + got.text + "'";
  if (got.type == RedisReply::Type::array) what += " of " + std::to_string(got.elements.size());
  throw RedisError(RedisError::Kind::protocol, what);
}

}  // namespace

std::int64_t RedisReply::as_integer() const {
  if (type != Type::integer) unexpected("an integer", *this);
  return integer;
}

const std::string& RedisReply::as_string() const {
  if (type != Type::string && type != Type::status) unexpected("a string", *this);
  return text;
}

const std::vector<RedisReply>& RedisReply::as_array() const {
  if (type != Type::array) unexpected("an array", *this);
  return elements;
}

const std::vector<RedisReply>& RedisReply::as_array(std::size_t size) const {
  if (type != Type::array || elements.size() != size) unexpected("an array of " + std::to_string(size), *this);
  return elements;
}

std::string_view to_string(RedisReply::Type type) noexcept {
  switch (type) {
    case RedisReply::Type::nil: return "nil";
    case RedisReply::Type::integer: return "integer";
    case RedisReply::Type::string: return "string";
    case RedisReply::Type::status: return "status";
    case RedisReply::Type::error: return "error";
    case RedisReply::Type::array: return "array";
  }
  return "nil";
}

}  // namespace mtpipe::scale::redis
