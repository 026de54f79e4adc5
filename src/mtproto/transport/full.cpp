#include "mtproto/transport/full.h"

#include <zlib.h>

#include "mtproto/byte_order.h"

namespace mtpipe::mtproto::transport {
namespace {

// zlib's crc32 takes a uInt length; payloads are capped far below that, but stay exact for any span.
std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint32_t>(crc32_z(crc, bytes.data(), bytes.size()));
}

}  // namespace

FrameHeader read_full_header(std::span<const std::uint8_t> head, Role reader, std::uint64_t packet,
                             std::uint32_t expected_seq) {
  if (head.size() < 4) return FrameHeader::need(4);
  const std::uint32_t length = load_le<std::uint32_t>(head.data());
  const std::string where = "packet " + std::to_string(packet);
  if ((length & 0x80000000U) != 0) {
    if (reader == Role::client) return {FrameHeader::Kind::transport_error, 4, false, 0, length};
    refuse(Framing::full, where + " has length word " + hex32(length) + " with bit 31 set (full transport has no quick ack)");
  }
  if (head.size() < 8) return FrameHeader::need(8);
  if (length < 12 || length % 4 != 0) {
    refuse(Framing::full, where + " announces length " + std::to_string(length) +
                              "; expected a multiple of 4 of at least 12 (length, seq and CRC32 included)");
  }
  check_announced_size(Framing::full, packet, length - 12, kMaxPayloadSize);
  const std::uint32_t seq = load_le<std::uint32_t>(head.data() + 4);
  if (seq != expected_seq) {
    refuse(Framing::full, "expected packet seq " + std::to_string(expected_seq) + ", got " + std::to_string(seq));
  }
  FrameHeader header = FrameHeader::frame(8, length - 8, false);
  header.value = seq;
  return header;
}

void check_full_crc(std::span<const std::uint8_t, 8> header, std::span<const std::uint8_t> body, std::uint32_t seq) {
  const auto payload = body.first(body.size() - 4);
  const std::uint32_t crc = crc32_update(crc32_update(crc32_z(0, nullptr, 0), header), payload);
  if (crc != load_le<std::uint32_t>(body.data() + payload.size())) {
    refuse(Framing::full, "CRC32 mismatch in packet seq " + std::to_string(seq));
  }
}

void write_full(std::span<const std::uint8_t> payload, std::uint32_t seq, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(payload.size() + 12));
  append_le<std::uint32_t>(out, seq);
  out.insert(out.end(), payload.begin(), payload.end());
  append_le<std::uint32_t>(out, crc32_update(crc32_z(0, nullptr, 0), std::span(out).subspan(start)));
}

}  // namespace mtpipe::mtproto::transport
