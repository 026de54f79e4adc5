#pragma once
// Diffie-Hellman of the MTProto handshake (core.telegram.org/mtproto/auth_key, steps 6-9) with every check of
// core.telegram.org/mtproto/security_guidelines. Numbers are big-endian byte strings; shorter inputs are read
// as having leading zeros.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/auth_key.h"
#include "crypto/error.h"
#include "crypto/random.h"

namespace mtpipe::crypto {

inline constexpr std::size_t kDhBytes = 256;

// The 2048-bit safe prime Telegram's servers use (printed on core.telegram.org/mtproto/auth_key), with g = 3
// in the emulator. It is accepted by check_dh_params without running the primality tests.
extern const std::array<std::uint8_t, kDhBytes> kTelegramDhPrime;
inline constexpr int kTelegramDhG = 3;

// Throws Error unless p is a safe prime with 2^2047 < p < 2^2048 (p and (p-1)/2 both prime) and g in 2..7
// generates the subgroup of order (p-1)/2 (the p mod 4g conditions of the auth_key page). The expensive
// primality result is cached per prime for the life of the process (thread-safe); the g condition is checked
// on every call.
void check_dh_params(std::span<const std::uint8_t> p, int g);

// True once check_dh_params has proven p safe (or p is kTelegramDhPrime). For tests and diagnostics.
bool dh_prime_is_trusted(std::span<const std::uint8_t> p);

// Throws Error unless 1 < x < p-1 and 2^(2048-64) <= x <= p - 2^(2048-64): the checks every received g_a, g_b
// (and SRP's A, B) must pass, so that neither side can be forced into a small subgroup or a predictable key.
void check_dh_value(std::span<const std::uint8_t> x, std::span<const std::uint8_t> p);

// g^x mod p, as 256 bytes.
std::array<std::uint8_t, kDhBytes> dh_power(int g, std::span<const std::uint8_t> x, std::span<const std::uint8_t> p);

struct DhKey {
  std::array<std::uint8_t, kDhBytes> a;    // secret exponent
  std::array<std::uint8_t, kDhBytes> g_a;  // public value g^a mod p
};

// Checks (p, g), then draws a random 2048-bit exponent until g^a mod p passes check_dh_value.
DhKey make_dh_key(int g, std::span<const std::uint8_t> p, Rng& rng);

// The shared key g_b^a mod p after checking g_b (the peer's public value) with check_dh_value. Always exactly 256
// bytes: leading zero bytes are part of the key.
std::array<std::uint8_t, kDhBytes> compute_auth_key(std::span<const std::uint8_t> g_b, std::span<const std::uint8_t> a,
                                                    std::span<const std::uint8_t> p);

}  // namespace mtpipe::crypto
