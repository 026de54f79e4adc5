#include "crypto/aes_ige.h"

#include <algorithm>
#include <functional>

#include "crypto/aes_ni.h"
#include "crypto/error.h"

namespace mtpipe::crypto {

namespace {

void check_args(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  if (iv.size() != 32) throw Error("AES-IGE IV must be 32 bytes");
  if (in.size() != out.size()) throw Error("AES-IGE input and output lengths differ");
  if (in.size() % 16 != 0) throw Error("AES-IGE length must be a multiple of 16 bytes");
  // Block i of the output is written after block i of the input was read, so exact aliasing is safe; a shifted
  // overlap would let an output block clobber input not yet read.
  if (!in.empty() && in.data() != out.data()) {
    const auto* a = in.data();
    const auto* b = out.data();
    std::less<const std::uint8_t*> lt;
    if (lt(a, b + out.size()) && lt(b, a + in.size())) throw Error("AES-IGE input and output partially overlap");
  }
}

inline void xor16(std::uint8_t* dst, const std::uint8_t* a, const std::uint8_t* b) {
  for (int i = 0; i < 16; ++i) dst[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
}

}  // namespace

void AesIge::encrypt(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> in,
                     std::span<std::uint8_t> out) {
  check_args(iv, in, out);
  const std::size_t blocks = in.size() / 16;
  if (cipher_.impl() == AesImpl::kAesNi) {
    detail::aesni_ige_encrypt(cipher_.ni_, iv.data(), in.data(), out.data(), blocks);
    return;
  }
  // Generic path over the single-block primitive (EVP).
  std::array<std::uint8_t, 16> prev_c, prev_p, p, t;
  std::copy_n(iv.begin(), 16, prev_c.begin());
  std::copy_n(iv.begin() + 16, 16, prev_p.begin());
  for (std::size_t i = 0; i < blocks; ++i) {
    std::copy_n(in.begin() + 16 * i, 16, p.begin());  // copy first: in may equal out
    xor16(t.data(), p.data(), prev_c.data());
    cipher_.encrypt_block(t, t);
    xor16(out.data() + 16 * i, t.data(), prev_p.data());
    std::copy_n(out.begin() + 16 * i, 16, prev_c.begin());
    prev_p = p;
  }
}

void AesIge::decrypt(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> in,
                     std::span<std::uint8_t> out) {
  check_args(iv, in, out);
  const std::size_t blocks = in.size() / 16;
  if (cipher_.impl() == AesImpl::kAesNi) {
    detail::aesni_ige_decrypt(cipher_.ni_, iv.data(), in.data(), out.data(), blocks);
    return;
  }
  std::array<std::uint8_t, 16> prev_c, prev_p, c, t;
  std::copy_n(iv.begin(), 16, prev_c.begin());
  std::copy_n(iv.begin() + 16, 16, prev_p.begin());
  for (std::size_t i = 0; i < blocks; ++i) {
    std::copy_n(in.begin() + 16 * i, 16, c.begin());
    xor16(t.data(), c.data(), prev_p.data());
    cipher_.decrypt_block(t, t);
    xor16(out.data() + 16 * i, t.data(), prev_c.data());
    std::copy_n(out.begin() + 16 * i, 16, prev_p.begin());
    prev_c = c;
  }
}

}  // namespace mtpipe::crypto
