#pragma once
// Transport obfuscation ("obfuscated2", mtproto-transports#transport-obfuscation): the 64-byte init a client sends
// first, the AES-256-CTR key schedule derived from it, and the rules for its first bytes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/aes_ctr.h"
#include "crypto/random.h"

namespace mtpipe::mtproto::transport {

using ObfuscationInit = std::array<std::uint8_t, 64>;

struct CtrKeyIv {
  std::array<std::uint8_t, 32> key{};
  std::array<std::uint8_t, 16> iv{};
};

// The two CTR streams of one side of a connection.
struct ObfuscationKeys {
  CtrKeyIv encrypt;  // what this side sends
  CtrKeyIv decrypt;  // what this side receives
};

// Client side, from the init (only bytes 8..56 matter, and they travel in clear):
//   encrypt = init[8..40) / init[40..56), decrypt = rev[8..40) / rev[40..56) with rev = init reversed.
// With an MTProxy secret (its 16 key bytes), each key becomes SHA256(key + secret); the IVs stay.
ObfuscationKeys client_obfuscation_keys(std::span<const std::uint8_t, 64> init,
                                        std::span<const std::uint8_t> secret16 = {});
// Server side: the client's schedule with the directions swapped.
ObfuscationKeys server_obfuscation_keys(std::span<const std::uint8_t, 64> init,
                                        std::span<const std::uint8_t> secret16 = {});

// False when the init could be mistaken for another transport by a server sniffing the first bytes: byte 0 is
// 0xef, the first LE uint32 is HEAD/POST/GET /OPTI, a TLS record (0x02010316), dddddddd or eeeeeeee, or bytes
// 4..7 are all zero (full transport with seq 0).
bool is_acceptable_init(std::span<const std::uint8_t, 64> init) noexcept;

// A fresh plaintext init: random bytes drawn from `rng` until is_acceptable_init holds, then `tag` at offset 56
// and, when dc_id is non-zero, dc_id as int16 LE at offset 60 (bytes 62..63 stay random).
ObfuscationInit generate_obfuscation_init(crypto::Rng& rng, std::uint32_t tag, std::int16_t dc_id);

crypto::AesCtr make_ctr(const CtrKeyIv& key_iv);

// Encrypts out[start..) in place with `ctr`, or leaves it when there is no stream (a plain connection).
void encrypt_tail(crypto::AesCtr* ctr, std::vector<std::uint8_t>& out, std::size_t start);

}  // namespace mtpipe::mtproto::transport
