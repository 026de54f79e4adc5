#pragma once
// Telegram's 2FA password check (core.telegram.org/api/srp, algorithm
// passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow), client and emulated-server side.
// All numbers are big-endian; inside hashes they are left-padded to 256 bytes, as the page requires.

#include <array>
#include <cstdint>
#include <span>

#include "crypto/error.h"
#include "crypto/random.h"

namespace mtpipe::crypto {

struct SrpAnswer {
  std::array<std::uint8_t, 256> A;   // g^a mod p, the `A` of inputCheckPasswordSRP
  std::array<std::uint8_t, 32> M1;   // the proof, `M1` of inputCheckPasswordSRP
};

// x = PH2(password, salt1, salt2) = SH(PBKDF2-HMAC-SHA512(PH1, salt1, 100000), salt2) with
// PH1 = SH(SH(password, salt1), salt2) and SH(data, salt) = SHA256(salt | data | salt). Slow by design.
std::array<std::uint8_t, 32> srp_password_hash(std::span<const std::uint8_t> password,
                                               std::span<const std::uint8_t> salt1,
                                               std::span<const std::uint8_t> salt2);

// Client: checks (p, g) like the handshake does, checks srp_B's range, then draws `a` until A passes the DH
// value check and u = H(A | B) is non-zero.
SrpAnswer srp_client_answer(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                            std::span<const std::uint8_t> salt2, int g, std::span<const std::uint8_t> p,
                            std::span<const std::uint8_t> srp_B, Rng& rng);

// The same computation with a caller-chosen secret `a`, for known-answer tests. It checks p, g and B but not
// the range of A (published vectors use tiny exponents); throws Error if u = 0.
SrpAnswer srp_client_answer_with_a(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                                   std::span<const std::uint8_t> salt2, int g, std::span<const std::uint8_t> p,
                                   std::span<const std::uint8_t> srp_B, std::span<const std::uint8_t> a);

// Server (emulator) side. v = g^x mod p is what the server stores instead of the password.
std::array<std::uint8_t, 256> srp_verifier(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                                           std::span<const std::uint8_t> salt2, int g,
                                           std::span<const std::uint8_t> p);

// B = (k*v + g^b) mod p with k = H(p | g) and a secret random b.
std::array<std::uint8_t, 256> srp_server_B(std::span<const std::uint8_t> v, int g, std::span<const std::uint8_t> p,
                                           std::span<const std::uint8_t> b);

// Recomputes M1 from the server's side: s_b = (A * v^u)^b mod p, k_b = H(s_b). False for a wrong proof and for an
// A that fails the DH value check.
bool srp_server_check_M1(std::span<const std::uint8_t> v, int g, std::span<const std::uint8_t> p,
                         std::span<const std::uint8_t> b, std::span<const std::uint8_t> B,
                         std::span<const std::uint8_t> A, std::span<const std::uint8_t> salt1,
                         std::span<const std::uint8_t> salt2, std::span<const std::uint8_t> M1);

}  // namespace mtpipe::crypto
