#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mtproto/msg_id.h"
#include "mtproto/session/sequencer.h"

namespace mtpipe::mtproto::session {

// One message ready to go out: its id, seq_no and boxed body.
struct OutRef {
  std::int64_t msg_id;
  std::int32_t seq_no;
  std::span<const std::uint8_t> body;
};

// msg_container#73f1f8dc messages:vector<message> (bare vector of bare messages), appended to `out`.
void write_container(std::span<const OutRef> messages, std::vector<std::uint8_t>& out);

// Bytes a message adds inside a container: msg_id + seqno + bytes + body.
inline constexpr std::size_t container_entry_size(std::size_t body_size) noexcept { return 16 + body_size; }

// What goes into one encrypted packet: the only message as it is, or several in a msg_container whose msg_id
// (of `container_kind`) and non-content seq_no are drawn after theirs. `always_container` wraps even one message
// (a re-send under its old msg_id must not travel alone). `body` points into `refs` or into `scratch`. Both sides
// of a session pack their packets this way.
struct Packed {
  std::int64_t msg_id;
  std::int32_t seq_no;
  std::span<const std::uint8_t> body;
};
Packed pack_messages(std::span<const OutRef> refs, Sequencer& sequencer, std::int64_t now_ns, MsgIdKind container_kind,
                     std::vector<std::uint8_t>& scratch, bool always_container = false);

// Gives back the memory of a scratch buffer that one large message grew, so an idle session stays small.
inline void release_if_large(std::vector<std::uint8_t>& scratch) {
  if (scratch.capacity() > 64 * 1024) std::vector<std::uint8_t>().swap(scratch);
}

}  // namespace mtpipe::mtproto::session
