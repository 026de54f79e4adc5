#pragma once
// Incremental reader of one framing: bytes in any fragmentation go in, complete events come out.
//
// Memory: between frames the decoder holds no heap buffer. A frame's header (at most 8 bytes) is gathered in place;
// its body is received straight into the vector that becomes the event's payload, reserved once at the announced
// size after the size was checked against kMaxPayloadSize (large reservations are mmap'ed and only touched as bytes
// arrive). So each payload byte is copied exactly once, and nothing needs compacting.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/aes_ctr.h"
#include "mtproto/transport/frame_header.h"
#include "mtproto/transport/inbound.h"

namespace mtpipe::mtproto::transport {

class FrameDecoder {
 public:
  // `reader` is the side that receives: Role::client decodes what a server sends (quick-ack replies, transport
  // errors), Role::server what a client sends (quick-ack flags).
  FrameDecoder(Framing framing, Role reader) noexcept;

  Framing framing() const noexcept { return framing_; }

  // Appends the events completed by `bytes`. Throws ProtocolError(malformed) on a malformed stream, and again on
  // every later call: a refused stream cannot be resynchronised.
  void feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events);
  // The same for obfuscated bytes: decrypts them with `decrypt` a large slice at a time (into a per-thread scratch
  // buffer), then decodes.
  void feed(std::span<const std::uint8_t> bytes, crypto::AesCtr& decrypt, std::vector<Inbound>& events);

  bool between_frames() const noexcept { return !in_body_ && head_len_ == 0; }

 private:
  void decode(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events);
  std::uint8_t first_header_want() const noexcept;
  FrameHeader read_header() const;
  void start_frame(const FrameHeader& header, std::vector<Inbound>& events);
  void finish_frame(std::vector<Inbound>& events);

  std::vector<std::uint8_t> body_;  // the frame being received
  std::uint64_t frames_ = 0;        // frames completed so far: the number of the current one in refusals
  std::uint32_t body_size_ = 0;
  std::uint32_t seq_ = 0;  // full: the seq the next frame must carry
  std::array<std::uint8_t, 8> head_{};
  std::uint8_t head_len_ = 0;
  std::uint8_t head_want_;
  bool in_body_ = false;
  bool quick_ack_ = false;
  bool refused_ = false;
  Framing framing_;
  Role reader_;
};

}  // namespace mtpipe::mtproto::transport
