#pragma once
// Intermediate and padded intermediate framing: a 4-byte LE length, then the payload (padded: then 0-15 random
// bytes counted in the length). Bit 31 of the length asks for a quick ack. A server's quick-ack reply is the bare
// 4-byte token (intermediate) or a frame 0xffffffff + token + 0-8 random bytes (padded).

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {

// Reads the 4-byte header. A client reading a length word with bit 31 set takes it as a bare quick-ack reply, in
// padded framing too (MTProxy sends those there as well).
FrameHeader read_intermediate_header(std::span<const std::uint8_t> head, Role reader, bool padded,
                                     std::uint64_t packet);

void write_intermediate(std::span<const std::uint8_t> payload, bool quick_ack, std::vector<std::uint8_t>& out);
// Adds 0-15 random padding bytes drawn from `rng`.
void write_padded(std::span<const std::uint8_t> payload, bool quick_ack, crypto::Rng& rng,
                  std::vector<std::uint8_t>& out);

void write_intermediate_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out);
void write_padded_quick_ack(std::uint32_t token, crypto::Rng& rng, std::vector<std::uint8_t>& out);

}  // namespace mtpipe::mtproto::transport
