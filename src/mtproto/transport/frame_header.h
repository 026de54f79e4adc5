#pragma once
// The shared vocabulary of the per-framing readers and writers (abridged.h, intermediate.h, full.h).

#include <cstdint>
#include <string>

#include "mtproto/transport/framing.h"

namespace mtpipe::mtproto::transport {

// Which end of the connection a codec serves. Client and server frame some things differently: only a client
// sets quick-ack flags, only a server sends quick-ack replies and transport errors.
enum class Role : std::uint8_t { client, server };

// What the header bytes gathered so far say.
struct FrameHeader {
  enum class Kind : std::uint8_t {
    need_more,        // `size` header bytes are needed in all
    frame,            // a `size`-byte header followed by `body` bytes
    quick_ack,        // a bare `size`-byte quick-ack reply with token `value` (read by a client)
    transport_error,  // a bare `size`-byte transport error with code `value` (read by a client)
  };

  Kind kind = Kind::need_more;
  std::uint8_t size = 0;
  bool quick_ack = false;   // frame: the sender asked for a quick ack (read by a server)
  std::uint32_t body = 0;   // frame: bytes after the header (payload, padding; full: payload + CRC)
  std::uint32_t value = 0;  // quick_ack: token; transport_error: the code's bits; full frame: seq

  static FrameHeader need(std::uint8_t size) noexcept { return {Kind::need_more, size, false, 0, 0}; }
  static FrameHeader frame(std::uint8_t size, std::uint32_t body, bool quick_ack) noexcept {
    return {Kind::frame, size, quick_ack, body, 0};
  }
};

// Throws ProtocolError(malformed) with "<framing> transport: <what>".
[[noreturn]] void refuse(Framing framing, const std::string& what);

// "0x1234abcd", for refusal messages.
std::string hex32(std::uint32_t value);

// Refuses a header announcing `bytes` (after the header) when they exceed `limit`, before anything is allocated.
void check_announced_size(Framing framing, std::uint64_t packet, std::uint64_t bytes, std::uint64_t limit);

}  // namespace mtpipe::mtproto::transport
