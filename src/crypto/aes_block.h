#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/error.h"

namespace mtpipe::crypto {

// Which code computes the AES rounds. kAuto picks AES-NI when the CPU has it; the other two force a path so
// tests can run the same vectors through both and benchmarks can compare them.
enum class AesImpl { kAuto, kAesNi, kEvp };

// True when this CPU can run the AES-NI path (AES and SSE4.1 instructions).
bool aesni_supported() noexcept;

namespace detail {
// AES-256 key schedule in the form the AES-NI instructions consume: 15 encryption round keys, and the 15
// "equivalent inverse cipher" round keys (FIPS-197 5.3.5) that AESDEC expects.
struct AesNiSchedule {
  alignas(16) std::uint8_t enc[15][16];
  alignas(16) std::uint8_t dec[15][16];
};
}  // namespace detail

// AES-256 on single 16-byte blocks with a key schedule computed once. Modes (IGE) are built on top of this.
// Not thread-safe: an object owns mutable OpenSSL contexts on the EVP path; use one object per thread.
class Aes256 {
 public:
  static constexpr std::size_t kKeySize = 32;
  static constexpr std::size_t kBlockSize = 16;

  explicit Aes256(std::span<const std::uint8_t> key, AesImpl impl = AesImpl::kAuto);
  ~Aes256();
  Aes256(Aes256&& other) noexcept;
  Aes256& operator=(Aes256&& other) noexcept;
  Aes256(const Aes256&) = delete;
  Aes256& operator=(const Aes256&) = delete;

  // `in` and `out` may be the same block.
  void encrypt_block(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out);
  void decrypt_block(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out);

  // The implementation actually in use (never kAuto).
  AesImpl impl() const noexcept { return impl_; }

 private:
  friend class AesIge;  // runs whole IGE chains inside the AES-NI code, keeping round keys in registers

  void release() noexcept;
  void forget_key() noexcept;

  AesImpl impl_;
  detail::AesNiSchedule ni_{};
  EVP_CIPHER_CTX* enc_ctx_ = nullptr;  // EVP path only: AES-256-ECB, no padding
  EVP_CIPHER_CTX* dec_ctx_ = nullptr;
};

}  // namespace mtpipe::crypto
