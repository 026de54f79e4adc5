#include "mtproto/msg_id.h"

namespace mtpipe::mtproto {

std::int64_t MsgIdGenerator::next(std::int64_t unix_ns, MsgIdKind kind) noexcept {
  const std::int64_t t = unix_ns + offset_ns_;
  const std::int64_t seconds = t / 1'000'000'000;
  const std::int64_t nanos = t % 1'000'000'000;
  // Fraction of the second scaled to 2^32; low two bits carry the kind.
  const std::int64_t fraction = (nanos << 32) / 1'000'000'000;
  std::int64_t id = ((seconds << 32) | fraction) & ~std::int64_t{3};
  id |= static_cast<std::int64_t>(kind);
  // The low 32 bits of a client id must never be zero.
  if (kind == MsgIdKind::client && (id & 0xffffffff) == 0) id += 4;
  if (id <= last_) id = (((last_ >> 2) + 1) << 2) | static_cast<std::int64_t>(kind);
  last_ = id;
  return id;
}

MsgIdAge msg_id_age(std::int64_t msg_id, std::int64_t now_unix_ns) noexcept {
  const std::int64_t now_s = now_unix_ns / 1'000'000'000;
  const std::int64_t at = msg_id_seconds(msg_id);
  if (at < now_s - kMsgIdMaxPastSeconds) return MsgIdAge::too_old;
  if (at > now_s + kMsgIdMaxFutureSeconds) return MsgIdAge::too_new;
  return MsgIdAge::ok;
}

}  // namespace mtpipe::mtproto
