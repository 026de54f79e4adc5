#include "scale/redis/resp.h"

#include <hiredis/hiredis.h>

#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace {

RedisReply convert(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_INTEGER: return RedisReply::make_integer(r.integer);
    case REDIS_REPLY_STRING: return RedisReply::make_string(std::string(r.str, r.len));
    case REDIS_REPLY_STATUS: return RedisReply::make_status(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR: return RedisReply::make_error(std::string(r.str, r.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) elements.push_back(convert(*r.element[i]));
      return RedisReply::make_array(std::move(elements));
    }
    default: return RedisReply{};  // REDIS_REPLY_NIL
  }
}

struct FreeReply {
  void operator()(void* reply) const noexcept { freeReplyObject(reply); }
};

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (const std::string_view arg : args) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
}

std::string encode_command(std::initializer_list<std::string_view> args) {
  std::string out;
  append_command(out, std::span(args.begin(), args.size()));
  return out;
}

std::string encode_command(const std::vector<std::string>& args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  std::string out;
  append_command(out, views);
  return out;
}

struct RespParser::Reader {
  redisReader* reader = redisReaderCreate();
  ~Reader() { redisReaderFree(reader); }

  [[noreturn]] void fail() const {
    throw RedisError(RedisError::Kind::protocol, std::string("bad reply from the server: ") + reader->errstr);
  }
};

RespParser::RespParser() : reader_(std::make_unique<Reader>()) {
  if (reader_->reader == nullptr) throw std::bad_alloc();
}

RespParser::~RespParser() = default;

void RespParser::feed(const char* data, std::size_t size) {
  if (redisReaderFeed(reader_->reader, data, size) != REDIS_OK) reader_->fail();
}

std::optional<RedisReply> RespParser::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_->reader, &raw) != REDIS_OK) reader_->fail();
  if (raw == nullptr) return std::nullopt;
  const std::unique_ptr<void, FreeReply> owned(raw);
  return convert(*static_cast<const redisReply*>(raw));
}

}  // namespace mtpipe::scale::redis
