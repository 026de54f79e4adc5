#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {

RedisError RedisError::server(const std::string& reply_text) {
  return RedisError(Kind::server, reply_text, reply_text.substr(0, reply_text.find(' ')));
}

std::string_view to_string(RedisError::Kind kind) noexcept {
  switch (kind) {
    case RedisError::Kind::connection: return "connection";
    case RedisError::Kind::server: return "server";
    case RedisError::Kind::protocol: return "protocol";
    case RedisError::Kind::timeout: return "timeout";
  }
  return "connection";
}

}  // namespace mtpipe::scale::redis
