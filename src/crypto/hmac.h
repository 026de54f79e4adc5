#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/error.h"

namespace mtpipe::crypto {

using HmacSha256 = std::array<std::uint8_t, 32>;

namespace detail {
HmacSha256 hmac_sha256_parts(std::span<const std::uint8_t> key, std::span<const std::span<const std::uint8_t>> parts);
}  // namespace detail

// HMAC-SHA256 (RFC 2104) of a + b + ... for any number of byte ranges, without building the concatenation: fake-TLS
// MTProxy signs its hellos with it. Throws Error when OpenSSL fails.
template <class... Parts>
HmacSha256 hmac_sha256(std::span<const std::uint8_t> key, const Parts&... parts) {
  const std::array<std::span<const std::uint8_t>, sizeof...(Parts)> list{std::span<const std::uint8_t>(parts)...};
  return detail::hmac_sha256_parts(key, list);
}

}  // namespace mtpipe::crypto
