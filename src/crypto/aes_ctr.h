#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <span>

#include "crypto/error.h"

namespace mtpipe::crypto {

// AES-256-CTR as a stream: the keystream position carries over between calls, so a transport can decrypt
// bytes as they arrive in chunks of any size. This is the cipher of MTProto transport obfuscation
// (one object per direction). Not thread-safe.
class AesCtr {
 public:
  AesCtr(std::span<const std::uint8_t> key, std::span<const std::uint8_t> iv);  // 32-byte key, 16-byte IV
  ~AesCtr();
  AesCtr(AesCtr&& other) noexcept;
  AesCtr& operator=(AesCtr&& other) noexcept;
  AesCtr(const AesCtr&) = delete;
  AesCtr& operator=(const AesCtr&) = delete;

  // XORs the next in.size() keystream bytes into `in`, writing `out` (same size; may be the same memory).
  void apply(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);
  void apply(std::span<std::uint8_t> data) { apply(data, data); }

 private:
  EVP_CIPHER_CTX* ctx_;
};

}  // namespace mtpipe::crypto
