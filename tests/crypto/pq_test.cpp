// factorize_pq: the pq values of both revisions of core.telegram.org/mtproto/samples-auth_key, random products
// of two 32-bit primes (what Telegram servers send), and rejections.
#include "crypto/pq.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/error.h"

namespace mtpipe::crypto {
namespace {

using Factors = std::pair<std::uint64_t, std::uint64_t>;

TEST(Pq, WorkedExamples) {
  // Earlier revision of samples-auth_key: pq = 0x17ED48941A08F981 = 0x494C553B * 0x53911073.
  EXPECT_EQ(factorize_pq(0x17ED48941A08F981ULL), Factors(0x494C553BULL, 0x53911073ULL));
  // Current revision: 2694724800268887959 = 1513098571 * 1780931429.
  EXPECT_EQ(factorize_pq(2694724800268887959ULL), Factors(1513098571ULL, 1780931429ULL));
}

std::uint64_t random_prime(std::mt19937_64& gen, std::uint64_t lo, std::uint64_t hi) {
  std::uniform_int_distribution<std::uint64_t> dist(lo, hi);
  for (;;) {
    const std::uint64_t c = dist(gen) | 1;
    if (is_prime_u64(c)) return c;
  }
}

TEST(Pq, RandomProductsOfTwo32BitPrimes) {
  std::mt19937_64 gen(20240611);  // fixed seed: a failure is reproducible
  for (int i = 0; i < 200; ++i) {
    std::uint64_t p = random_prime(gen, 1u << 30, 0xFFFFFFFFu);
    std::uint64_t q = random_prime(gen, 1u << 30, 0xFFFFFFFFu);
    if (p == q) continue;
    if (p > q) std::swap(p, q);
    EXPECT_EQ(factorize_pq(p * q), Factors(p, q)) << p << " * " << q;
  }
}

TEST(Pq, UnbalancedAndSmallFactors) {
  EXPECT_EQ(factorize_pq(6), Factors(2ULL, 3ULL));
  EXPECT_EQ(factorize_pq(2ULL * 4294967291ULL), Factors(2ULL, 4294967291ULL));
  EXPECT_EQ(factorize_pq(3ULL * 6148914691236517199ULL), Factors(3ULL, 6148914691236517199ULL));
  EXPECT_EQ(factorize_pq(1000003ULL * 1000000000039ULL), Factors(1000003ULL, 1000000000039ULL));
}

TEST(Pq, RejectsValuesThatAreNotTwoDistinctPrimes) {
  EXPECT_THROW(factorize_pq(0), Error);
  EXPECT_THROW(factorize_pq(1), Error);
  EXPECT_THROW(factorize_pq(4), Error);                        // 2 * 2
  EXPECT_THROW(factorize_pq(0xFFFFFFFFFFFFFFC5ULL), Error);    // the largest 64-bit prime
  EXPECT_THROW(factorize_pq(1513098571ULL), Error);            // a 32-bit prime
  EXPECT_THROW(factorize_pq(4294967291ULL * 4294967291ULL), Error);  // square of a prime
  EXPECT_THROW(factorize_pq(1000003ULL * 1000033ULL * 1000037ULL), Error);  // three primes
  EXPECT_THROW(factorize_pq(0xFFFFFFFFFFFFFFFFULL), Error);   // 3 * 5 * 17 * 257 * 641 * 65537 * 6700417
}

TEST(Pq, MillerRabinIsExactOnHardCases) {
  EXPECT_FALSE(is_prime_u64(0));
  EXPECT_FALSE(is_prime_u64(1));
  EXPECT_TRUE(is_prime_u64(2));
  EXPECT_TRUE(is_prime_u64(37));
  EXPECT_FALSE(is_prime_u64(561));                    // Carmichael number
  EXPECT_FALSE(is_prime_u64(2047));                   // strong pseudoprime to base 2
  EXPECT_FALSE(is_prime_u64(3215031751ULL));          // strong pseudoprime to bases 2, 3, 5, 7
  EXPECT_FALSE(is_prime_u64(3825123056546413051ULL)); // strong pseudoprime to bases 2..23 except 29, 31, 37
  EXPECT_TRUE(is_prime_u64(0xFFFFFFFFFFFFFFC5ULL));
  EXPECT_FALSE(is_prime_u64(0xFFFFFFFFFFFFFFFFULL));
}

}  // namespace
}  // namespace mtpipe::crypto
