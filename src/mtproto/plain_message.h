#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace mtpipe::mtproto {

// An unencrypted MTProto message, used only by the handshake:
// auth_key_id = 0 (long) | msg_id:long | message_data_length:int | message_data.
struct PlainMessage {
  std::int64_t msg_id = 0;
  std::span<const std::uint8_t> body;  // views the packet passed to parse_plain_message
};

std::vector<std::uint8_t> make_plain_message(std::int64_t msg_id, std::span<const std::uint8_t> body);

// Throws ProtocolError(malformed) unless the packet is a well-formed unencrypted message whose length field
// matches the packet exactly.
PlainMessage parse_plain_message(std::span<const std::uint8_t> packet);

// True when the packet starts with auth_key_id 0 (an unencrypted message), false for an encrypted one.
bool is_plain_packet(std::span<const std::uint8_t> packet) noexcept;

}  // namespace mtpipe::mtproto
