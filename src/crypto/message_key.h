#pragma once
// The message-level key derivation of MTProto 2.0 (core.telegram.org/mtproto/description): msg_key from the
// padded plaintext, and the AES-256-IGE key/IV derived from auth_key and msg_key. Plus MTProto 1.0's KDF, still
// needed for the inner message of auth.bindTempAuthKey.

#include <array>
#include <cstdint>
#include <span>

#include "crypto/aes_ige.h"
#include "crypto/error.h"

namespace mtpipe::crypto {

// The `x` of the spec: which half of auth_key a direction uses.
enum class MsgDirection : std::uint8_t { kClientToServer = 0, kServerToClient = 8 };

// msg_key_large = SHA256(substr(auth_key, 88 + x, 32) + plaintext_with_padding)
std::array<std::uint8_t, 32> msg_key_large(std::span<const std::uint8_t> auth_key, MsgDirection x,
                                           std::span<const std::uint8_t> plaintext_with_padding);

// msg_key = substr(msg_key_large, 8, 16)
std::array<std::uint8_t, 16> msg_key(std::span<const std::uint8_t> auth_key, MsgDirection x,
                                     std::span<const std::uint8_t> plaintext_with_padding);

// MTProto 2.0:
//   sha256_a = SHA256(msg_key + substr(auth_key, x, 36))
//   sha256_b = SHA256(substr(auth_key, 40 + x, 36) + msg_key)
//   aes_key  = sha256_a[0..8) + sha256_b[8..24) + sha256_a[24..32)
//   aes_iv   = sha256_b[0..8) + sha256_a[8..24) + sha256_b[24..32)
AesKeyIv kdf_v2(std::span<const std::uint8_t> auth_key, std::span<const std::uint8_t> msg_key, MsgDirection x);

// MTProto 1.0 (SHA1-based), msg_key being 16 bytes:
//   a = SHA1(msg_key + substr(auth_key, x, 32))
//   b = SHA1(substr(auth_key, 32+x, 16) + msg_key + substr(auth_key, 48+x, 16))
//   c = SHA1(substr(auth_key, 64+x, 32) + msg_key)
//   d = SHA1(msg_key + substr(auth_key, 96+x, 32))
//   aes_key = a[0..8) + b[8..20) + c[4..16);   aes_iv = a[8..20) + b[0..8) + c[16..20) + d[0..8)
AesKeyIv kdf_v1(std::span<const std::uint8_t> auth_key, std::span<const std::uint8_t> msg_key, MsgDirection x);

}  // namespace mtpipe::crypto
