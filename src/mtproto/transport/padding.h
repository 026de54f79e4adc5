#pragma once
// Stripping padded-intermediate padding. The frame does not say how much of it is padding, so the MTProto message
// itself decides (protocol.md §7.4):
//   - plain (auth_key_id 0): 20 + message_data_length (the int32 at offset 16);
//   - encrypted: the largest 24 + 16k that fits.

#include <cstddef>
#include <cstdint>
#include <span>

namespace mtpipe::mtproto::transport {

// The length of the MTProto message at the start of `body`. Throws ProtocolError(malformed) when the body holds
// neither (too short, a plain length that does not fit, or more than 15 bytes left over).
std::size_t padded_payload_size(std::span<const std::uint8_t> body, std::uint64_t packet);

}  // namespace mtpipe::mtproto::transport
