#pragma once

#include <array>
#include <cstdint>

namespace mtpipe::mtproto {

// A 2048-bit auth key, always exactly 256 bytes with leading zero bytes kept (protocol.md §3.3), and its id
// (the lower 64 bits of SHA1(key)).
struct AuthKey {
  std::array<std::uint8_t, 256> bytes{};
  std::uint64_t id = 0;
};

// What a finished handshake yields, on either side.
struct HandshakeResult {
  AuthKey key;
  std::int64_t server_salt = 0;     // new_nonce[0:8] XOR server_nonce[0:8]
  std::int64_t time_offset_ns = 0;  // server time minus our clock at dh_gen_ok (client side; 0 on the server)
  bool temporary = false;           // made with p_q_inner_data_temp_dc
  std::int32_t expires_at = 0;      // unix time a temporary key expires; 0 for a permanent key
  std::int32_t dc = 0;              // the dc field the client sent (0 for legacy p_q_inner_data)
};

}  // namespace mtpipe::mtproto
