#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

}  // namespace mtpipe::mtproto::session
