#include "crypto/pq.h"

#include <numeric>

#include "crypto/error.h"

namespace mtpipe::crypto {

namespace {

__extension__ typedef unsigned __int128 u128;  // __extension__: GCC's 128-bit type without a -Wpedantic error

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t m) noexcept {
  return static_cast<std::uint64_t>(static_cast<u128>(a) * b % m);
}

std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exp, std::uint64_t m) noexcept {
  std::uint64_t result = 1 % m;
  base %= m;
  while (exp != 0) {
    if (exp & 1) result = mul_mod(result, base, m);
    base = mul_mod(base, base, m);
    exp >>= 1;
  }
  return result;
}

// Pollard's rho with Brent's cycle detection: the pseudo-random walk x -> x^2 + c (mod n) revisits values
// modulo an unknown factor p after about sqrt(p) steps, and gcd(|x - y|, n) exposes p. Differences are
// multiplied together in batches so one gcd serves many steps. Returns n on failure (try another c).
std::uint64_t brent(std::uint64_t n, std::uint64_t c) noexcept {
  constexpr std::uint64_t kBatch = 128;
  auto f = [n, c](std::uint64_t x) { return (mul_mod(x, x, n) + c) % n; };
  std::uint64_t y = 2, x = 2, ys = 2, q = 1, g = 1;
  for (std::uint64_t r = 1; g == 1; r <<= 1) {
    x = y;
    for (std::uint64_t i = 0; i < r; ++i) y = f(y);
    for (std::uint64_t k = 0; k < r && g == 1; k += kBatch) {
      ys = y;
      for (std::uint64_t i = 0; i < kBatch && i < r - k; ++i) {
        y = f(y);
        q = mul_mod(q, x > y ? x - y : y - x, n);
      }
      g = std::gcd(q, n);
    }
    if (r > (std::uint64_t{1} << 40)) return n;  // cannot happen for 64-bit n; guards against a bug looping
  }
  if (g == n) {  // the batch overshot: redo its steps one at a time
    do {
      ys = f(ys);
      g = std::gcd(x > ys ? x - ys : ys - x, n);
    } while (g == 1);
  }
  return g;
}

}  // namespace

bool is_prime_u64(std::uint64_t n) noexcept {
  if (n < 2) return false;
  for (std::uint64_t p : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
    if (n % p == 0) return n == p;
  }
  std::uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  // The first 12 primes as bases make Miller-Rabin exact below 3.3 * 10^24, far beyond 2^64.
  for (std::uint64_t a : {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
    std::uint64_t x = pow_mod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < s && composite; ++i) {
      x = mul_mod(x, x, n);
      if (x == n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

std::pair<std::uint64_t, std::uint64_t> factorize_pq(std::uint64_t pq) {
  if (pq < 6) throw Error("pq is too small to be a product of two distinct primes");
  if (is_prime_u64(pq)) throw Error("pq is prime");
  std::uint64_t d = pq;
  if (pq % 2 == 0) {
    d = 2;
  } else {
    for (std::uint64_t c = 1; d == pq && c < 64; ++c) d = brent(pq, c);
  }
  if (d == 1 || d == pq) throw Error("could not factorize pq");
  std::uint64_t p = d, q = pq / d;
  if (p > q) std::swap(p, q);
  if (p == q || !is_prime_u64(p) || !is_prime_u64(q)) {
    throw Error("pq is not a product of two distinct primes");
  }
  return {p, q};
}

}  // namespace mtpipe::crypto
