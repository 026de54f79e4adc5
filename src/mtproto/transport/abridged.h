#pragma once
// Abridged framing: one length byte (payload words, < 127) or 0x7f + 3 bytes LE; the MSB of the first byte asks
// for a quick ack. The server replies to a quick ack with the byte-swapped token and no header.

#include <cstdint>
#include <span>
#include <vector>

#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {

// Reads the header from the bytes gathered so far (at least 1). `packet` numbers the frame in refusals.
FrameHeader read_abridged_header(std::span<const std::uint8_t> head, Role reader, std::uint64_t packet);

// Appends header + payload. Payload length is a multiple of 4.
void write_abridged(std::span<const std::uint8_t> payload, bool quick_ack, std::vector<std::uint8_t>& out);
// The server's quick-ack reply: the token's 4 bytes in big-endian order, so the first byte has its MSB set.
void write_abridged_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out);

}  // namespace mtpipe::mtproto::transport
