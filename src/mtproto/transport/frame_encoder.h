#pragma once
// Writer of one framing: appends framed packets, quick-ack replies and transport errors to an output buffer.
// Obfuscation is applied by the codec over what this appended.

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {

// Throws std::invalid_argument unless `payload` is non-empty, a multiple of 4 bytes and at most kMaxPayloadSize.
void check_payload(std::span<const std::uint8_t> payload);

class FrameEncoder {
 public:
  FrameEncoder(Framing framing, Role writer) noexcept : framing_(framing), writer_(writer) {}

  // Appends one frame holding `payload` (see check_payload). Padded intermediate adds 0-15 random bytes from `rng`. Returns whether the quick-ack
  // flag was set: only when asked, by a client, on a framing that has one (not full).
  bool packet(std::span<const std::uint8_t> payload, bool quick_ack, crypto::Rng& rng, std::vector<std::uint8_t>& out);

  // Server side. Appends the reply to a quick-ack request carrying `token` (bit 31 set, else
  // std::invalid_argument). Returns false, appending nothing, on full transport, which has no quick ack.
  bool quick_ack_reply(std::uint32_t token, crypto::Rng& rng, std::vector<std::uint8_t>& out);

  // Server side. Appends transport error `code` (negative, else std::invalid_argument) framed as a 4-byte payload.
  void transport_error(std::int32_t code, crypto::Rng& rng, std::vector<std::uint8_t>& out);

 private:
  Framing framing_;
  Role writer_;
  std::uint32_t seq_ = 0;  // full: the seq of the next frame
};

}  // namespace mtpipe::mtproto::transport
