#include "scale/redis/redis_script.h"

#include "crypto/sha.h"
#include "tl/hex.h"

namespace mtpipe::scale::redis {

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  const auto digest = crypto::sha1(std::span(reinterpret_cast<const std::uint8_t*>(source_.data()), source_.size()));
  sha1_ = tl::to_hex(digest);
}

}  // namespace mtpipe::scale::redis
