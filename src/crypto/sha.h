#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/error.h"

namespace mtpipe::crypto {

namespace detail {

// The algorithm objects are fetched from the OpenSSL provider once per process (fetching is a locked table
// lookup we do not want per message) and intentionally never freed.
const EVP_MD* sha1_md();
const EVP_MD* sha256_md();
const EVP_MD* sha512_md();

// One EVP_MD_CTX per object, re-initialised instead of re-allocated between messages.
template <std::size_t N, const EVP_MD* (*Md)()>
class Hash {
 public:
  static constexpr std::size_t kSize = N;
  using Digest = std::array<std::uint8_t, N>;

  Hash();
  ~Hash();
  Hash(Hash&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  Hash& operator=(Hash&& other) noexcept;
  Hash(const Hash&) = delete;
  Hash& operator=(const Hash&) = delete;

  Hash& update(std::span<const std::uint8_t> data);
  // Returns the digest of everything fed since the last finish()/reset() and leaves the object ready for the
  // next message.
  Digest finish();
  // Drops any input fed so far.
  void reset();

 private:
  EVP_MD_CTX* ctx_;
};

extern template class Hash<20, sha1_md>;
extern template class Hash<32, sha256_md>;

}  // namespace detail

using Sha1 = detail::Hash<20, detail::sha1_md>;
using Sha256 = detail::Hash<32, detail::sha256_md>;

namespace detail {
// Per-thread contexts behind the one-shot helpers: hashing concatenations is on every message's hot path.
Sha1& thread_sha1();
Sha256& thread_sha256();
}  // namespace detail

// SHA1(a + b + ...) for any number of byte ranges (arrays, vectors, spans), without building the concatenation.
template <class... Parts>
Sha1::Digest sha1(const Parts&... parts) {
  Sha1& h = detail::thread_sha1();
  try {
    (h.update(std::span<const std::uint8_t>(parts)), ...);
    return h.finish();
  } catch (...) {
    h.reset();  // never leave half a message in the shared per-thread context
    throw;
  }
}

template <class... Parts>
Sha256::Digest sha256(const Parts&... parts) {
  Sha256& h = detail::thread_sha256();
  try {
    (h.update(std::span<const std::uint8_t>(parts)), ...);
    return h.finish();
  } catch (...) {
    h.reset();  // never leave half a message in the shared per-thread context
    throw;
  }
}

}  // namespace mtpipe::crypto
