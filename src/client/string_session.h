#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mtpipe::client {

// What a Telethon StringSession holds: the DC, its address, and the auth key (all zero when the session
// had none). Users move accounts between Telethon and mtpipe with it, in both directions.
struct TelethonStringSession {
  std::int32_t dc_id = 0;
  std::string ip;  // "149.154.167.51" or "2001:db8::1"
  std::uint16_t port = 0;
  std::array<std::uint8_t, 256> auth_key{};
  bool has_auth_key() const noexcept;
};

// Telethon's format: '1' + base64url(dc_id:u8 | ip:4 or 16 bytes | port:u16 big-endian | auth_key:256).
// Throws std::invalid_argument saying what is wrong; the message never contains any of the key.
TelethonStringSession parse_telethon_string_session(std::string_view text);
std::string to_telethon_string_session(const TelethonStringSession& session);

}  // namespace mtpipe::client
