#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/aes_block.h"

namespace mtpipe::crypto {

// A 256-bit AES key with its 256-bit IGE IV: what every MTProto key derivation produces.
struct AesKeyIv {
  std::array<std::uint8_t, 32> key;
  std::array<std::uint8_t, 32> iv;
};

// AES-256 in Infinite Garble Extension mode, as MTProto uses it for message bodies and handshake answers.
// The 32-byte IV follows the OpenSSL layout MTProto is specified with: iv[0..16) is the "previous ciphertext
// block" c_0 and iv[16..32) the "previous plaintext block" p_0, so c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}.
// Build once per key (the key schedule is the expensive part), then call encrypt/decrypt with fresh IVs.
// Not thread-safe (see Aes256).
class AesIge {
 public:
  explicit AesIge(std::span<const std::uint8_t> key, AesImpl impl = AesImpl::kAuto) : cipher_(key, impl) {}

  // `in` and `out` must have the same length, a multiple of 16 (else Error); in-place (same pointer) is
  // allowed, any other overlap is rejected.
  void encrypt(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> in, std::span<std::uint8_t> out);
  void decrypt(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

  AesImpl impl() const noexcept { return cipher_.impl(); }

 private:
  Aes256 cipher_;
};

}  // namespace mtpipe::crypto
