#include "mtproto/transport/intermediate.h"

#include "mtproto/byte_order.h"

namespace mtpipe::mtproto::transport {
namespace {

constexpr std::uint32_t kQuickAckBit = 0x80000000U;

std::uint8_t random_byte(crypto::Rng& rng) {
  std::uint8_t b = 0;
  rng.fill(std::span(&b, 1));
  return b;
}

void append_random(crypto::Rng& rng, std::size_t count, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + count);
  rng.fill(std::span(out).subspan(start));
}

void write_framed(std::span<const std::uint8_t> payload, bool quick_ack, std::size_t padding, crypto::Rng* rng,
                  std::vector<std::uint8_t>& out) {
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(payload.size() + padding) | (quick_ack ? kQuickAckBit : 0));
  out.insert(out.end(), payload.begin(), payload.end());
  if (padding != 0) append_random(*rng, padding, out);
}

}  // namespace

FrameHeader read_intermediate_header(std::span<const std::uint8_t> head, Role reader, bool padded,
                                     std::uint64_t packet) {
  if (head.size() < 4) return FrameHeader::need(4);
  const Framing framing = padded ? Framing::padded_intermediate : Framing::intermediate;
  std::uint32_t length = load_le<std::uint32_t>(head.data());
  const bool flagged = (length & kQuickAckBit) != 0;
  // No length reaches 2^31, so from a server a set bit 31 is a quick-ack token.
  if (flagged && reader == Role::client) return {FrameHeader::Kind::quick_ack, 4, false, 0, length};
  length &= ~kQuickAckBit;
  const std::string where = "packet " + std::to_string(packet);
  if (length == 0) refuse(framing, where + " has length 0");
  if (!padded && length % 4 != 0) {
    refuse(framing, where + " has length " + std::to_string(length) + ", not a multiple of 4");
  }
  check_announced_size(framing, packet, length, padded ? kMaxPayloadSize + 15 : kMaxPayloadSize);
  return FrameHeader::frame(4, length, flagged);
}

void write_intermediate(std::span<const std::uint8_t> payload, bool quick_ack, std::vector<std::uint8_t>& out) {
  write_framed(payload, quick_ack, 0, nullptr, out);
}

void write_padded(std::span<const std::uint8_t> payload, bool quick_ack, crypto::Rng& rng,
                  std::vector<std::uint8_t>& out) {
  write_framed(payload, quick_ack, random_byte(rng) & 15U, &rng, out);
}

void write_intermediate_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out) {
  append_le<std::uint32_t>(out, token);
}

void write_padded_quick_ack(std::uint32_t token, crypto::Rng& rng, std::vector<std::uint8_t>& out) {
  const std::size_t extra = random_byte(rng) % 9U;
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(8 + extra));
  append_le<std::uint32_t>(out, 0xffffffffU);
  append_le<std::uint32_t>(out, token);
  append_random(rng, extra, out);
}

}  // namespace mtpipe::mtproto::transport
