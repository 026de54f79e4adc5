#pragma once

#include <cstdint>
#include <utility>

#include "crypto/error.h"

namespace mtpipe::crypto {

// Deterministic Miller-Rabin, exact for every 64-bit n.
bool is_prime_u64(std::uint64_t n) noexcept;

// The handshake's proof of work (core.telegram.org/mtproto/auth_key, step 3): splits pq into its two prime
// factors, returned as (p, q) with p < q. Throws Error if pq is not a product of two distinct primes.
std::pair<std::uint64_t, std::uint64_t> factorize_pq(std::uint64_t pq);

}  // namespace mtpipe::crypto
