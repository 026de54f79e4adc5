#include "crypto/random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "crypto/error.h"

namespace mtpipe::crypto {
namespace {

TEST(Random, BytesAreNotConstant) {
  // 32 random bytes being all equal has probability 2^-248: a failure means the generator is broken.
  std::array<std::uint8_t, 32> a{}, b{};
  random_bytes(a);
  random_bytes(b);
  EXPECT_NE(a, b);
  EXPECT_NE(std::set<std::uint8_t>(a.begin(), a.end()).size(), 1u);
}

TEST(Random, U64Varies) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 16; ++i) seen.insert(random_u64());
  EXPECT_EQ(seen.size(), 16u);
}

TEST(Random, SystemRngFills) {
  std::array<std::uint8_t, 64> a{};
  system_rng().fill(a);
  EXPECT_NE(a, (std::array<std::uint8_t, 64>{}));
}

TEST(Random, ReplayRngReplaysInOrderAndRefusesToRunDry) {
  ReplayRng rng({1, 2, 3, 4, 5});
  std::array<std::uint8_t, 2> first{};
  std::array<std::uint8_t, 3> second{};
  rng.fill(first);
  rng.fill(second);
  EXPECT_EQ(first, (std::array<std::uint8_t, 2>{1, 2}));
  EXPECT_EQ(second, (std::array<std::uint8_t, 3>{3, 4, 5}));
  EXPECT_EQ(rng.remaining(), 0u);
  std::array<std::uint8_t, 1> more{};
  EXPECT_THROW(rng.fill(more), Error);
}

}  // namespace
}  // namespace mtpipe::crypto
