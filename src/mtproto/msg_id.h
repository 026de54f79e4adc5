#pragma once

#include <cstdint>

namespace mtpipe::mtproto {

// msg_id = unixtime * 2^32 with the fraction of the second in the low 32 bits (protocol.md §3.4).
// Client ids are ≡ 0 (mod 4); server ids ≡ 1 (mod 4) for responses and ≡ 3 (mod 4) otherwise.
enum class MsgIdKind : std::uint8_t { client = 0, server_response = 1, server_other = 3 };

// Produces strictly increasing ids of one kind from a wall clock in nanoseconds. `offset_ns` corrects our
// clock to the peer's (set from the server time after the handshake and on bad_msg_notification 16/17).
class MsgIdGenerator {
 public:
  explicit MsgIdGenerator(MsgIdKind kind = MsgIdKind::client) noexcept : kind_(kind) {}
  std::int64_t next(std::int64_t unix_ns) noexcept { return next(unix_ns, kind_); }
  // The server's responses and its own messages share one increasing sequence but differ in parity.
  std::int64_t next(std::int64_t unix_ns, MsgIdKind kind) noexcept;
  void set_offset_ns(std::int64_t offset_ns) noexcept { offset_ns_ = offset_ns; }
  std::int64_t offset_ns() const noexcept { return offset_ns_; }

 private:
  MsgIdKind kind_;
  std::int64_t offset_ns_ = 0;
  std::int64_t last_ = 0;
};

// The time a msg_id carries, in whole seconds.
inline std::int64_t msg_id_seconds(std::int64_t msg_id) noexcept { return msg_id >> 32; }

// The time-window rule of the security guidelines: at most 300 s in the past and 30 s in the future.
inline constexpr std::int64_t kMsgIdMaxPastSeconds = 300;
inline constexpr std::int64_t kMsgIdMaxFutureSeconds = 30;
enum class MsgIdAge : std::uint8_t { ok, too_old, too_new };
MsgIdAge msg_id_age(std::int64_t msg_id, std::int64_t now_unix_ns) noexcept;

}  // namespace mtpipe::mtproto
