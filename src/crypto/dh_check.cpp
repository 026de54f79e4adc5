// The parameter and value checks of core.telegram.org/mtproto/security_guidelines and mtproto/auth_key.
#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "crypto/dh.h"
#include "crypto/dh_internal.h"
#include "crypto/openssl_util.h"

namespace mtpipe::crypto {

namespace {

// Primes proven safe in this process. Keyed by the minimal big-endian form so "00 C7 1C ..." and "C7 1C ..."
// share an entry. Only successes are cached: a failed check costs the attacker as much as us.
struct TrustedPrimes {
  std::mutex mutex;
  std::set<std::vector<std::uint8_t>> primes;
};

TrustedPrimes& trusted() {
  static TrustedPrimes t;
  return t;
}

bool is_trusted(const std::vector<std::uint8_t>& minimal) {
  if (std::equal(minimal.begin(), minimal.end(), kTelegramDhPrime.begin(), kTelegramDhPrime.end())) return true;
  auto& t = trusted();
  std::lock_guard lock(t.mutex);
  return t.primes.count(minimal) != 0;
}

unsigned long mod_word(const BIGNUM* p, unsigned long w) {
  const BN_ULONG r = BN_mod_word(p, w);
  if (r == static_cast<BN_ULONG>(-1)) detail::throw_openssl("BN_mod_word");
  return static_cast<unsigned long>(r);
}

// g is a quadratic residue mod p – i.e. generates the subgroup of prime order (p-1)/2 – exactly when these hold
// (quadratic reciprocity; the conditions are listed on the auth_key page).
bool generator_condition_holds(const BIGNUM* p, int g) {
  switch (g) {
    case 2: return mod_word(p, 8) == 7;
    case 3: return mod_word(p, 3) == 2;
    case 4: return true;  // 4 = 2^2 is always a square
    case 5: { const auto r = mod_word(p, 5); return r == 1 || r == 4; }
    case 6: { const auto r = mod_word(p, 24); return r == 19 || r == 23; }
    case 7: { const auto r = mod_word(p, 7); return r == 3 || r == 5 || r == 6; }
    default: return false;
  }
}

bool probably_prime(const BIGNUM* n, BN_CTX* ctx) {
  const int r = BN_check_prime(n, ctx, nullptr);
  if (r < 0) detail::throw_openssl("BN_check_prime");
  return r == 1;
}

}  // namespace

namespace detail {

const char* dh_value_problem(const BIGNUM* x, const BIGNUM* p) {
  if (BN_num_bits(p) != 2048) return "DH prime is not a 2048-bit number";
  if (BN_cmp(x, BN_value_one()) <= 0) return "DH value must be greater than 1";
  Bn p_minus_1 = bn_copy(p);
  if (BN_sub_word(p_minus_1.get(), 1) != 1) throw_openssl("BN_sub_word");
  if (BN_cmp(x, p_minus_1.get()) >= 0) return "DH value must be less than p - 1";
  // The safety margin of the security guidelines: both 2^(2048-64) <= x and x <= p - 2^(2048-64).
  Bn margin = bn_new();
  if (BN_set_bit(margin.get(), 2048 - 64) != 1) throw_openssl("BN_set_bit");
  if (BN_cmp(x, margin.get()) < 0) return "DH value is below 2^(2048-64)";
  Bn upper = bn_new();
  if (BN_sub(upper.get(), p, margin.get()) != 1) throw_openssl("BN_sub");
  if (BN_cmp(x, upper.get()) > 0) return "DH value is above p - 2^(2048-64)";
  return nullptr;
}

}  // namespace detail

void check_dh_params(std::span<const std::uint8_t> p_bytes, int g) {
  if (g < 2 || g > 7) throw Error("DH generator g = " + std::to_string(g) + " is not in 2..7");
  const detail::Bn p = detail::bn_from_bytes(p_bytes);
  if (BN_num_bits(p.get()) != 2048) throw Error("DH prime is not a 2048-bit number (2^2047 < p < 2^2048)");
  if (!generator_condition_holds(p.get(), g)) {
    throw Error("g = " + std::to_string(g) + " does not generate the subgroup of order (p-1)/2 for this p");
  }
  const auto minimal = detail::bn_to_bytes(p.get());
  if (is_trusted(minimal)) return;

  const detail::BnCtx ctx = detail::bn_ctx_new();
  if (!probably_prime(p.get(), ctx.get())) throw Error("DH prime p is not prime");
  detail::Bn q = detail::bn_new();
  if (BN_rshift1(q.get(), p.get()) != 1) detail::throw_openssl("BN_rshift1");  // (p-1)/2 for odd p
  if (!probably_prime(q.get(), ctx.get())) throw Error("DH prime is not safe: (p-1)/2 is not prime");

  auto& t = trusted();
  std::lock_guard lock(t.mutex);
  t.primes.insert(minimal);
}

bool dh_prime_is_trusted(std::span<const std::uint8_t> p_bytes) {
  const detail::Bn p = detail::bn_from_bytes(p_bytes);
  return is_trusted(detail::bn_to_bytes(p.get()));
}

void check_dh_value(std::span<const std::uint8_t> x, std::span<const std::uint8_t> p) {
  const detail::Bn bx = detail::bn_from_bytes(x);
  const detail::Bn bp = detail::bn_from_bytes(p);
  if (const char* problem = detail::dh_value_problem(bx.get(), bp.get())) throw Error(problem);
}

}  // namespace mtpipe::crypto
