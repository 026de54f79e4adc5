#pragma once

#include <cstdint>

#include "mtproto/msg_id.h"

namespace mtpipe::mtproto::session {

// Hands out msg_ids and seq_nos for one side of one session (protocol.md §3.4–3.5): content-related messages
// get 2n+1 and advance n; the others get 2n.
class Sequencer {
 public:
  explicit Sequencer(MsgIdKind kind = MsgIdKind::client) noexcept : ids_(kind) {}
  std::int64_t next_msg_id(std::int64_t unix_ns) noexcept { return ids_.next(unix_ns); }
  std::int32_t next_seq_no(bool content_related) noexcept {
    return content_related ? 2 * content_count_++ + 1 : 2 * content_count_;
  }
  MsgIdGenerator& ids() noexcept { return ids_; }
  const MsgIdGenerator& ids() const noexcept { return ids_; }

 private:
  MsgIdGenerator ids_;
  std::int32_t content_count_ = 0;
};

}  // namespace mtpipe::mtproto::session
