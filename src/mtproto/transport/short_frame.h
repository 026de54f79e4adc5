#pragma once
// Frames from a server too short to be an MTProto message (the shortest, an unencrypted one with an empty body,
// has 20 bytes). As tdlib reads them (td/mtproto/Transport.cpp): first int32 0 is a no-op, -1 followed by a
// token is a quick-ack reply (padded intermediate's form), any other negative value a transport error.

#include <cstddef>
#include <cstdint>
#include <span>

#include "mtproto/transport/framing.h"
#include "mtproto/transport/inbound.h"

namespace mtpipe::mtproto::transport {

inline constexpr std::size_t kShortFrameLimit = 20;

// For a body shorter than kShortFrameLimit: fills `event` and returns true, or returns false for a no-op. Throws
// ProtocolError(malformed) for a body under 4 bytes or a positive first word.
bool read_short_frame(std::span<const std::uint8_t> body, Framing framing, std::uint64_t packet, Inbound& event);

}  // namespace mtpipe::mtproto::transport
