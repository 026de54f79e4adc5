#include <string>

#include "crypto/bytes.h"
#include "crypto/dh.h"
#include "crypto/dh_internal.h"
#include "crypto/openssl_util.h"

namespace mtpipe::crypto {

namespace detail {
void mod_exp_secret(BIGNUM* r, const BIGNUM* base, const BIGNUM* exp, const BIGNUM* p, BN_CTX* ctx) {
  if (BN_mod_exp_mont_consttime(r, base, exp, p, ctx, nullptr) != 1) throw_openssl("BN_mod_exp_mont_consttime");
}
}  // namespace detail

namespace {
// A fresh 2048-bit exponent fails the value check with probability about 2^-63; 64 failures in a row mean a
// broken Rng, not bad luck.
constexpr int kMaxKeyAttempts = 64;
}  // namespace

std::array<std::uint8_t, kDhBytes> dh_power(int g, std::span<const std::uint8_t> x, std::span<const std::uint8_t> p) {
  if (g < 2) throw Error("DH generator must be at least 2");
  const detail::Bn bg = detail::bn_from_word(static_cast<std::uint64_t>(g));
  const detail::Bn bx = detail::bn_from_bytes(x);
  const detail::Bn bp = detail::bn_from_bytes(p);
  if (BN_num_bits(bp.get()) > 2048) throw Error("DH prime is larger than 2048 bits");
  const detail::BnCtx ctx = detail::bn_ctx_new();
  detail::Bn r = detail::bn_new();
  detail::mod_exp_secret(r.get(), bg.get(), bx.get(), bp.get(), ctx.get());
  return detail::bn_to_array<kDhBytes>(r.get());
}

DhKey make_dh_key(int g, std::span<const std::uint8_t> p, Rng& rng) {
  check_dh_params(p, g);
  const detail::Bn bp = detail::bn_from_bytes(p);
  DhKey key{};
  for (int attempt = 0; attempt < kMaxKeyAttempts; ++attempt) {
    rng.fill(key.a);
    key.g_a = dh_power(g, key.a, p);
    const detail::Bn ga = detail::bn_from_bytes(key.g_a);
    if (detail::dh_value_problem(ga.get(), bp.get()) == nullptr) return key;
  }
  secure_wipe(key.a);
  throw Error("make_dh_key: no random exponent gave an acceptable g^a");
}

std::array<std::uint8_t, kDhBytes> compute_auth_key(std::span<const std::uint8_t> g_b, std::span<const std::uint8_t> a,
                                                    std::span<const std::uint8_t> p) {
  const detail::Bn bgb = detail::bn_from_bytes(g_b);
  const detail::Bn bp = detail::bn_from_bytes(p);
  if (const char* problem = detail::dh_value_problem(bgb.get(), bp.get())) throw Error(problem);
  const detail::Bn ba = detail::bn_from_bytes(a);
  const detail::BnCtx ctx = detail::bn_ctx_new();
  detail::Bn r = detail::bn_new();
  detail::mod_exp_secret(r.get(), bgb.get(), ba.get(), bp.get(), ctx.get());
  return detail::bn_to_array<kDhBytes>(r.get());
}

}  // namespace mtpipe::crypto
