#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mtpipe::mtproto::session {

// One message of a packet, after opening the container and inflating gzip_packed.
struct InMessage {
  std::int64_t msg_id = 0;
  std::int32_t seq_no = 0;
  std::span<const std::uint8_t> body;  // a boxed TL object
  std::uint32_t constructor() const noexcept;
};

// The messages one packet carried. Bodies point into the decrypted plaintext or into `inflated`, which owns
// gzip_packed payloads; both must outlive the spans.
struct Unpacked {
  std::vector<InMessage> messages;
  std::vector<std::vector<std::uint8_t>> inflated;
  std::int64_t container_msg_id = 0;  // 0 when the packet held a single message
  // What gzip_packed met later in this packet (inside rpc_result) may still inflate to.
  std::size_t inflate_left = 0;
  void clear() noexcept {
    messages.clear();
    inflated.clear();
    container_msg_id = 0;
    inflate_left = 0;
  }
  // The lowest msg_id the packet carried, the container's own id included (new_session_created.first_msg_id).
  std::int64_t lowest_msg_id() const noexcept;
};

// What the gzip_packed objects of one packet may inflate to in all: the budget is per packet, not per object,
// or a container of many small bombs (or an rpc_result of one inside a gzip_packed message) would add up to
// far more than any single one may.
inline constexpr std::size_t kMaxInflatedPerPacket = 64u << 20;

// Splits a message into its parts: a msg_container becomes its messages (their ids must be below the
// container's, containers do not nest, at most 1024 messages: else ProtocolError(bad_container)); gzip_packed
// bodies are inflated within `inflate_budget` in all (else ProtocolError(inflation_budget)), and what is left
// of it is out.inflate_left. Throws ProtocolError(malformed) on anything that does not parse.
void unpack(std::int64_t msg_id, std::int32_t seq_no, std::span<const std::uint8_t> body, Unpacked& out,
            std::size_t inflate_budget = kMaxInflatedPerPacket);

// The constructor id a boxed object starts with (0 when it is shorter than 4 bytes).
std::uint32_t constructor_of(std::span<const std::uint8_t> boxed) noexcept;

// Inflates a gzip_packed object (`body` starts with its constructor id) into `out` and takes its size from
// `budget`. Throws ProtocolError: inflation_budget when it would inflate past `budget`, malformed when it does
// not parse or inflate.
void inflate_gzip_packed(std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out, std::size_t& budget);

// `body` as a gzip_packed object when that is smaller, else nothing (clients and servers compress only when it
// pays, api/invoking).
std::optional<std::vector<std::uint8_t>> gzip_packed_if_smaller(std::span<const std::uint8_t> body);

inline constexpr std::size_t kMaxContainerMessages = 1024;

}  // namespace mtpipe::mtproto::session
