#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/error.h"

namespace mtpipe::crypto {

// PBKDF2 with HMAC-SHA512 and a 64-byte output: the slow step of Telegram's 2FA password hashing (PH2 in
// core.telegram.org/api/srp uses 100000 iterations).
std::array<std::uint8_t, 64> pbkdf2_hmac_sha512(std::span<const std::uint8_t> password,
                                                std::span<const std::uint8_t> salt, std::uint32_t iterations);

}  // namespace mtpipe::crypto
