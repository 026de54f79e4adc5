#include "mtproto/transport/abridged.h"

namespace mtpipe::mtproto::transport {
namespace {
constexpr std::uint8_t kLongForm = 0x7f;
constexpr std::uint8_t kQuickAckBit = 0x80;
}  // namespace

FrameHeader read_abridged_header(std::span<const std::uint8_t> head, Role reader, std::uint64_t packet) {
  const std::uint8_t first = head[0];
  if (reader == Role::client && (first & kQuickAckBit) != 0) {
    // A server's length byte is at most 0x7f, so a set MSB starts a bare quick-ack reply.
    if (head.size() < 4) return FrameHeader::need(4);
    const std::uint32_t token = static_cast<std::uint32_t>(head[0]) << 24 | static_cast<std::uint32_t>(head[1]) << 16 |
                                static_cast<std::uint32_t>(head[2]) << 8 | head[3];
    return {FrameHeader::Kind::quick_ack, 4, false, 0, token};
  }
  const bool quick_ack = (first & kQuickAckBit) != 0;
  std::uint32_t words = first & 0x7f;
  std::uint8_t size = 1;
  if (words == kLongForm) {
    if (head.size() < 4) return FrameHeader::need(4);
    words = head[1] | static_cast<std::uint32_t>(head[2]) << 8 | static_cast<std::uint32_t>(head[3]) << 16;
    size = 4;
  }
  if (words == 0) refuse(Framing::abridged, "packet " + std::to_string(packet) + " has length 0");
  check_announced_size(Framing::abridged, packet, std::uint64_t{words} * 4, kMaxPayloadSize);
  return FrameHeader::frame(size, words * 4, quick_ack);
}

void write_abridged(std::span<const std::uint8_t> payload, bool quick_ack, std::vector<std::uint8_t>& out) {
  const std::size_t words = payload.size() / 4;
  const std::uint8_t flag = quick_ack ? kQuickAckBit : 0;
  if (words < kLongForm) {
    out.push_back(static_cast<std::uint8_t>(words) | flag);
  } else {
    const std::uint8_t header[4] = {static_cast<std::uint8_t>(kLongForm | flag), static_cast<std::uint8_t>(words),
                                    static_cast<std::uint8_t>(words >> 8), static_cast<std::uint8_t>(words >> 16)};
    out.insert(out.end(), header, header + 4);
  }
  out.insert(out.end(), payload.begin(), payload.end());
}

void write_abridged_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out) {
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(token >> 24), static_cast<std::uint8_t>(token >> 16),
                                 static_cast<std::uint8_t>(token >> 8), static_cast<std::uint8_t>(token)};
  out.insert(out.end(), bytes, bytes + 4);
}

}  // namespace mtpipe::mtproto::transport
