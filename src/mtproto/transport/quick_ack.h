#pragma once
// The quick-ack token of an encrypted packet (mtproto-transports#quick-ack).

#include <cstdint>
#include <span>

namespace mtpipe::mtproto::transport {

// The first 4 bytes of msg_key_large = SHA256(substr(auth_key, 88 + x, 32) + plaintext_with_padding), read as a
// little-endian uint32, with bit 31 set. The client remembers it per sent packet; the server echoes it back.
std::uint32_t quick_ack_token(std::span<const std::uint8_t, 32> msg_key_large) noexcept;

}  // namespace mtpipe::mtproto::transport
