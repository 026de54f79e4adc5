#pragma once
// RESP2 on the wire: requests are arrays of bulk strings (written here, they are trivial), replies are parsed by
// hiredis' redisReader (confined to resp.cpp) into RedisReply values.

#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scale/redis/redis_reply.h"

namespace mtpipe::scale::redis {

// "*N\r\n$len\r\narg\r\n..." appended to `out`. Arguments are binary-safe.
void append_command(std::string& out, std::span<const std::string_view> args);
std::string encode_command(std::initializer_list<std::string_view> args);
std::string encode_command(const std::vector<std::string>& args);

// Bytes in, whole replies out. Not thread-safe.
class RespParser {
 public:
  RespParser();
  ~RespParser();
  RespParser(const RespParser&) = delete;
  RespParser& operator=(const RespParser&) = delete;

  // Throws RedisError(protocol) when the bytes are not RESP; the parser is unusable afterwards.
  void feed(const char* data, std::size_t size);
  // The next complete reply, nullopt until one is there. Throws RedisError(protocol) as feed() does.
  std::optional<RedisReply> next();

 private:
  struct Reader;
  std::unique_ptr<Reader> reader_;
};

}  // namespace mtpipe::scale::redis
