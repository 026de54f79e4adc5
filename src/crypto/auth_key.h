#pragma once
// The hash-based derivations of the handshake around the DH exchange (core.telegram.org/mtproto/auth_key).

#include <array>
#include <cstdint>
#include <span>

#include "crypto/aes_ige.h"
#include "crypto/error.h"

namespace mtpipe::crypto {

// tmp_aes_key = SHA1(new_nonce + server_nonce) + SHA1(server_nonce + new_nonce)[0..12)
// tmp_aes_iv  = SHA1(server_nonce + new_nonce)[12..20) + SHA1(new_nonce + new_nonce) + new_nonce[0..4)
// The key/IV of server_DH_inner_data and client_DH_inner_data. new_nonce is 32 bytes, server_nonce 16.
AesKeyIv tmp_aes_key_iv(std::span<const std::uint8_t> new_nonce, std::span<const std::uint8_t> server_nonce);

// First 8 bytes of SHA1(auth_key): sent as retry_id and mixed into new_nonce_hash.
std::array<std::uint8_t, 8> auth_key_aux_hash(std::span<const std::uint8_t> auth_key);

// Last 16 bytes of SHA1(new_nonce + byte(n) + auth_key_aux_hash), n = 1 (dh_gen_ok), 2 (retry), 3 (fail).
std::array<std::uint8_t, 16> new_nonce_hash(std::span<const std::uint8_t> new_nonce, int n,
                                            std::span<const std::uint8_t> auth_key);

// Last 8 bytes of SHA1(auth_key) read as a little-endian integer: the key id in every encrypted packet.
std::uint64_t auth_key_id(std::span<const std::uint8_t> auth_key);

}  // namespace mtpipe::crypto
