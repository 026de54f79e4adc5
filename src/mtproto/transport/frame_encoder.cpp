#include "mtproto/transport/frame_encoder.h"

#include <stdexcept>
#include <string>

#include "mtproto/transport/abridged.h"
#include "mtproto/byte_order.h"
#include "mtproto/transport/full.h"
#include "mtproto/transport/intermediate.h"

namespace mtpipe::mtproto::transport {

void check_payload(std::span<const std::uint8_t> payload) {
  if (payload.empty() || payload.size() % 4 != 0 || payload.size() > kMaxPayloadSize) {
    throw std::invalid_argument("transport: cannot frame a payload of " + std::to_string(payload.size()) +
                                " bytes; expected a non-zero multiple of 4 of at most " +
                                std::to_string(kMaxPayloadSize));
  }
}

bool FrameEncoder::packet(std::span<const std::uint8_t> payload, bool quick_ack, crypto::Rng& rng,
                          std::vector<std::uint8_t>& out) {
  check_payload(payload);
  const bool flag = quick_ack && writer_ == Role::client && framing_ != Framing::full;
  switch (framing_) {
    case Framing::abridged: write_abridged(payload, flag, out); break;
    case Framing::intermediate: write_intermediate(payload, flag, out); break;
    case Framing::padded_intermediate: write_padded(payload, flag, rng, out); break;
    case Framing::full: write_full(payload, seq_++, out); break;
  }
  return flag;
}

bool FrameEncoder::quick_ack_reply(std::uint32_t token, crypto::Rng& rng, std::vector<std::uint8_t>& out) {
  if ((token & 0x80000000U) == 0) {
    throw std::invalid_argument("transport: quick-ack token " + hex32(token) + " lacks bit 31");
  }
  switch (framing_) {
    case Framing::abridged: write_abridged_quick_ack(token, out); return true;
    case Framing::intermediate: write_intermediate_quick_ack(token, out); return true;
    case Framing::padded_intermediate: write_padded_quick_ack(token, rng, out); return true;
    case Framing::full: return false;
  }
  return false;
}

void FrameEncoder::transport_error(std::int32_t code, crypto::Rng& rng, std::vector<std::uint8_t>& out) {
  if (code >= 0) throw std::invalid_argument("transport: error code " + std::to_string(code) + " is not negative");
  std::uint8_t body[4];
  store_le<std::uint32_t>(body, static_cast<std::uint32_t>(code));
  packet(body, false, rng, out);
}

}  // namespace mtpipe::mtproto::transport
