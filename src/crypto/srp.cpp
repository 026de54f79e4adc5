#include "crypto/srp.h"

#include <algorithm>

#include "crypto/bytes.h"
#include "crypto/dh.h"
#include "crypto/dh_internal.h"
#include "crypto/openssl_util.h"
#include "crypto/pbkdf2.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

namespace {

using Num = std::array<std::uint8_t, 256>;
constexpr std::uint32_t kPbkdf2Iterations = 100000;
constexpr int kMaxSecretAttempts = 64;

// SH(data, salt) = H(salt | data | salt)
Sha256::Digest salted_hash(std::span<const std::uint8_t> data, std::span<const std::uint8_t> salt) {
  return sha256(salt, data, salt);
}

Num padded(std::span<const std::uint8_t> big_endian) {
  return detail::bn_to_array<256>(detail::bn_from_bytes(big_endian).get());
}

Num padded(const BIGNUM* n) { return detail::bn_to_array<256>(n); }

Num padded_g(int g) {
  Num out{};
  out[255] = static_cast<std::uint8_t>(g);
  return out;
}

// k = H(p | g)
detail::Bn multiplier(const Num& p, int g) { return detail::bn_from_bytes(sha256(p, padded_g(g))); }

// M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | g_a | g_b | k_a)
Sha256::Digest proof(const Num& p, int g, std::span<const std::uint8_t> salt1, std::span<const std::uint8_t> salt2,
                     const Num& A, const Num& B, const Sha256::Digest& k_a) {
  auto hp = sha256(p);
  const auto hg = sha256(padded_g(g));
  for (std::size_t i = 0; i < hp.size(); ++i) hp[i] = static_cast<std::uint8_t>(hp[i] ^ hg[i]);
  return sha256(hp, sha256(salt1), sha256(salt2), A, B, k_a);
}

struct Ctx {
  detail::BnCtx bn = detail::bn_ctx_new();
};

// The client's side once x, p, B are fixed and a secret a is chosen. Returns false (instead of an answer) when
// this a is unusable: A out of range (if checked) or u == 0.
bool client_answer_for(const detail::Bn& x, const Num& p, int g, std::span<const std::uint8_t> salt1,
                       std::span<const std::uint8_t> salt2, const Num& B, std::span<const std::uint8_t> a,
                       bool check_A, SrpAnswer& out) {
  Ctx c;
  const detail::Bn bp = detail::bn_from_bytes(p);
  const detail::Bn bg = detail::bn_from_word(static_cast<std::uint64_t>(g));
  const detail::Bn ba = detail::bn_from_bytes(a);
  detail::Bn bA = detail::bn_new();
  detail::mod_exp_secret(bA.get(), bg.get(), ba.get(), bp.get(), c.bn.get());
  if (check_A && detail::dh_value_problem(bA.get(), bp.get()) != nullptr) return false;
  out.A = padded(bA.get());

  const detail::Bn u = detail::bn_from_bytes(sha256(out.A, B));  // u = H(A | B)
  if (BN_is_zero(u.get())) {
    if (check_A) return false;
    throw Error("SRP: u = H(A | B) is zero for this a");
  }

  // t = (B - k*v) mod p, made non-negative; v = g^x mod p.
  detail::Bn v = detail::bn_new();
  detail::mod_exp_secret(v.get(), bg.get(), x.get(), bp.get(), c.bn.get());
  const detail::Bn k = multiplier(p, g);
  detail::Bn kv = detail::bn_new();
  if (BN_mod_mul(kv.get(), k.get(), v.get(), bp.get(), c.bn.get()) != 1) detail::throw_openssl("BN_mod_mul");
  const detail::Bn bB = detail::bn_from_bytes(B);
  detail::Bn t = detail::bn_new();
  if (BN_mod_sub(t.get(), bB.get(), kv.get(), bp.get(), c.bn.get()) != 1) detail::throw_openssl("BN_mod_sub");

  // s_a = t^(a + u*x) mod p; the exponent is not reduced (the page does not reduce it either).
  detail::Bn exponent = detail::bn_new();
  if (BN_mul(exponent.get(), u.get(), x.get(), c.bn.get()) != 1 ||
      BN_add(exponent.get(), exponent.get(), ba.get()) != 1) {
    detail::throw_openssl("SRP exponent");
  }
  detail::Bn s_a = detail::bn_new();
  detail::mod_exp_secret(s_a.get(), t.get(), exponent.get(), bp.get(), c.bn.get());
  Num s_a_bytes = padded(s_a.get());
  const auto k_a = sha256(s_a_bytes);
  secure_wipe(s_a_bytes);
  out.M1 = proof(p, g, salt1, salt2, out.A, B, k_a);
  return true;
}

// The checks both client entry points share: (p, g) as in the handshake, and srp_B in the DH value range.
Num checked_prime(int g, std::span<const std::uint8_t> p) {
  check_dh_params(p, g);
  return padded(p);
}

}  // namespace

std::array<std::uint8_t, 32> srp_password_hash(std::span<const std::uint8_t> password,
                                               std::span<const std::uint8_t> salt1,
                                               std::span<const std::uint8_t> salt2) {
  auto ph1 = salted_hash(salted_hash(password, salt1), salt2);
  auto slow = pbkdf2_hmac_sha512(ph1, salt1, kPbkdf2Iterations);
  const auto ph2 = salted_hash(slow, salt2);
  secure_wipe(ph1);
  secure_wipe(slow);
  return ph2;
}

SrpAnswer srp_client_answer(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                            std::span<const std::uint8_t> salt2, int g, std::span<const std::uint8_t> p,
                            std::span<const std::uint8_t> srp_B, Rng& rng) {
  const Num prime = checked_prime(g, p);
  check_dh_value(srp_B, prime);
  const Num B = padded(srp_B);
  auto x_bytes = srp_password_hash(password, salt1, salt2);
  const detail::Bn x = detail::bn_from_bytes(x_bytes);
  secure_wipe(x_bytes);
  Num a{};
  SrpAnswer out{};
  for (int attempt = 0; attempt < kMaxSecretAttempts; ++attempt) {
    rng.fill(a);
    if (client_answer_for(x, prime, g, salt1, salt2, B, a, true, out)) {
      secure_wipe(a);
      return out;
    }
  }
  secure_wipe(a);
  throw Error("SRP: no random a gave an acceptable A");
}

SrpAnswer srp_client_answer_with_a(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                                   std::span<const std::uint8_t> salt2, int g, std::span<const std::uint8_t> p,
                                   std::span<const std::uint8_t> srp_B, std::span<const std::uint8_t> a) {
  const Num prime = checked_prime(g, p);
  check_dh_value(srp_B, prime);
  auto x_bytes = srp_password_hash(password, salt1, salt2);
  const detail::Bn x = detail::bn_from_bytes(x_bytes);
  secure_wipe(x_bytes);
  SrpAnswer out{};
  client_answer_for(x, prime, g, salt1, salt2, padded(srp_B), a, false, out);
  return out;
}

std::array<std::uint8_t, 256> srp_verifier(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt1,
                                           std::span<const std::uint8_t> salt2, int g,
                                           std::span<const std::uint8_t> p) {
  const Num prime = checked_prime(g, p);
  auto x = srp_password_hash(password, salt1, salt2);
  const auto v = dh_power(g, x, prime);
  secure_wipe(x);
  return v;
}

std::array<std::uint8_t, 256> srp_server_B(std::span<const std::uint8_t> v, int g, std::span<const std::uint8_t> p,
                                           std::span<const std::uint8_t> b) {
  const Num prime = checked_prime(g, p);
  Ctx c;
  const detail::Bn bp = detail::bn_from_bytes(prime);
  const detail::Bn bv = detail::bn_from_bytes(v);
  const detail::Bn k = multiplier(prime, g);
  const detail::Bn g_b = detail::bn_from_bytes(dh_power(g, b, prime));
  detail::Bn kv = detail::bn_new();
  detail::Bn B = detail::bn_new();
  if (BN_mod_mul(kv.get(), k.get(), bv.get(), bp.get(), c.bn.get()) != 1 ||
      BN_mod_add(B.get(), kv.get(), g_b.get(), bp.get(), c.bn.get()) != 1) {
    detail::throw_openssl("SRP B");
  }
  return padded(B.get());
}

bool srp_server_check_M1(std::span<const std::uint8_t> v, int g, std::span<const std::uint8_t> p,
                         std::span<const std::uint8_t> b, std::span<const std::uint8_t> B,
                         std::span<const std::uint8_t> A, std::span<const std::uint8_t> salt1,
                         std::span<const std::uint8_t> salt2, std::span<const std::uint8_t> M1) {
  const Num prime = checked_prime(g, p);
  Ctx c;
  const detail::Bn bp = detail::bn_from_bytes(prime);
  const detail::Bn bA = detail::bn_from_bytes(A);
  if (detail::dh_value_problem(bA.get(), bp.get()) != nullptr) return false;  // a forged A could force s_b
  const Num A_pad = padded(A);
  const Num B_pad = padded(B);
  const detail::Bn u = detail::bn_from_bytes(sha256(A_pad, B_pad));
  if (BN_is_zero(u.get())) return false;

  // s_b = (A * v^u)^b mod p
  const detail::Bn bv = detail::bn_from_bytes(v);
  const detail::Bn bb = detail::bn_from_bytes(b);
  detail::Bn vu = detail::bn_new();
  detail::Bn base = detail::bn_new();
  detail::Bn s_b = detail::bn_new();
  if (BN_mod_exp(vu.get(), bv.get(), u.get(), bp.get(), c.bn.get()) != 1 ||
      BN_mod_mul(base.get(), bA.get(), vu.get(), bp.get(), c.bn.get()) != 1) {
    detail::throw_openssl("SRP server s_b");
  }
  detail::mod_exp_secret(s_b.get(), base.get(), bb.get(), bp.get(), c.bn.get());
  Num s_b_bytes = padded(s_b.get());
  const auto k_b = sha256(s_b_bytes);
  secure_wipe(s_b_bytes);
  const auto expected = proof(prime, g, salt1, salt2, A_pad, B_pad, k_b);
  return equal_ct(expected, M1);
}

}  // namespace mtpipe::crypto
