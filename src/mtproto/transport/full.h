#pragma once
// Full framing: len:int32 | seq:int32 | payload | crc32, where len counts all four parts, seq counts the packets of
// one direction from 0, and the CRC32 covers len + seq + payload. There is no quick ack.

#include <cstdint>
#include <span>
#include <vector>

#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {

// Reads the 8-byte header and checks seq against `expected_seq`. The frame's body is payload + CRC32. A client
// reading a negative length word takes it as a bare transport error: Telegram DCs have been seen sending -429 that
// way on full transport (Telethon issue #4042).
FrameHeader read_full_header(std::span<const std::uint8_t> head, Role reader, std::uint64_t packet,
                             std::uint32_t expected_seq);

// Checks the CRC32 at the end of `body` against the 8 header bytes and the payload before it.
void check_full_crc(std::span<const std::uint8_t, 8> header, std::span<const std::uint8_t> body, std::uint32_t seq);

void write_full(std::span<const std::uint8_t> payload, std::uint32_t seq, std::vector<std::uint8_t>& out);

}  // namespace mtpipe::mtproto::transport
