#include "crypto/random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

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

TEST(Random, SystemRngNeverHandsOutTheSameBytesTwice) {
  std::set<std::array<std::uint8_t, 16>> seen;
  for (int i = 0; i < 2000; ++i) {  // crosses several 4 KiB refills
    std::array<std::uint8_t, 16> a{};
    system_rng().fill(a);
    EXPECT_TRUE(seen.insert(a).second);
  }
}

TEST(Random, SystemRngBuffersAreDiscardedInAForkedChild) {
  std::array<std::uint8_t, 16> warm{};
  system_rng().fill(warm);  // the buffer now holds unused bytes
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::array<std::uint8_t, 16> child{};
    system_rng().fill(child);
    _exit(write(fds[1], child.data(), child.size()) == 16 ? 0 : 1);
  }
  std::array<std::uint8_t, 16> parent{}, child{};
  system_rng().fill(parent);
  ASSERT_EQ(read(fds[0], child.data(), child.size()), 16);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_NE(parent, child) << "parent and child drew the same buffered bytes";
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
