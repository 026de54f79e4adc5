#pragma once
// Internal: the AES-NI implementation behind Aes256/AesIge. Callers must check cpu_has_aesni() first: these
// functions execute AES and SSE4.1 instructions unconditionally.

#include <cstddef>
#include <cstdint>

#include "crypto/aes_block.h"

namespace mtpipe::crypto::detail {

bool cpu_has_aesni() noexcept;

void aesni_expand_key(const std::uint8_t key[32], AesNiSchedule& out) noexcept;
void aesni_encrypt_block(const AesNiSchedule& ks, const std::uint8_t in[16], std::uint8_t out[16]) noexcept;
void aesni_decrypt_block(const AesNiSchedule& ks, const std::uint8_t in[16], std::uint8_t out[16]) noexcept;

// IGE over `blocks` 16-byte blocks; iv[0..16) = previous ciphertext block, iv[16..32) = previous plaintext block.
// in == out is allowed.
void aesni_ige_encrypt(const AesNiSchedule& ks, const std::uint8_t iv[32], const std::uint8_t* in,
                       std::uint8_t* out, std::size_t blocks) noexcept;
void aesni_ige_decrypt(const AesNiSchedule& ks, const std::uint8_t iv[32], const std::uint8_t* in,
                       std::uint8_t* out, std::size_t blocks) noexcept;

}  // namespace mtpipe::crypto::detail
