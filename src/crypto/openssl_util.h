#pragma once
// Internal helpers shared by the .cpp files of this folder: OpenSSL error reporting and RAII for BIGNUM.
// Not part of the public API (protocol code works with big-endian byte arrays, never with BIGNUM).

#include <openssl/bn.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/error.h"

namespace mtpipe::crypto::detail {

// Throws Error("<what>: <first OpenSSL error>") and empties OpenSSL's thread error queue, so a stale entry
// never ends up attached to a later, unrelated failure.
[[noreturn]] void throw_openssl(std::string_view what);

struct BnFree {
  void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }  // clear: most of our numbers are secrets
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const noexcept { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxFree>;

Bn bn_new();
BnCtx bn_ctx_new();
Bn bn_from_bytes(std::span<const std::uint8_t> big_endian);
Bn bn_from_word(std::uint64_t w);
Bn bn_copy(const BIGNUM* b);
std::vector<std::uint8_t> bn_to_bytes(const BIGNUM* b);  // minimal big-endian form (empty for zero)
void bn_to_padded(const BIGNUM* b, std::span<std::uint8_t> out);  // left-padded; throws if it does not fit

template <std::size_t N>
std::array<std::uint8_t, N> bn_to_array(const BIGNUM* b) {
  std::array<std::uint8_t, N> out{};
  bn_to_padded(b, out);
  return out;
}

}  // namespace mtpipe::crypto::detail
