#include "mtproto/session/replay_window.h"

#include <gtest/gtest.h>

namespace mtpipe::mtproto::session {
namespace {

using V = ReplayWindow::Verdict;

TEST(ReplayWindow, DuplicatesAndIdsBelowTheWindowAreRefused) {
  ReplayWindow w;
  EXPECT_EQ(w.accept(100), V::fresh);
  EXPECT_EQ(w.accept(100), V::duplicate);
  EXPECT_EQ(w.accept(96), V::too_low);
  for (std::int64_t id = 104; id < 104 + 4 * 200; id += 4) EXPECT_EQ(w.accept(id), V::fresh);
  EXPECT_EQ(w.accept(100), V::too_low) << "forgotten long ago";
  EXPECT_EQ(w.accept(104 + 4 * 199), V::duplicate);
  EXPECT_TRUE(w.contains(104 + 4 * 199));
}

TEST(ReplayWindow, WhenFullTheLowestIdIsForgottenNotTheFirstStored) {
  // Ids may arrive out of order (inside a container): a high one first, then lower ones until the window is full.
  ReplayWindow w;
  EXPECT_EQ(w.accept(100), V::fresh);
  EXPECT_EQ(w.accept(10'000), V::fresh);
  for (std::int64_t id = 104; id < 104 + 4 * 70; id += 4) EXPECT_EQ(w.accept(id), V::fresh);
  EXPECT_EQ(w.accept(10'000), V::duplicate) << "the highest id is still remembered";
  EXPECT_EQ(w.accept(100), V::too_low);
  EXPECT_EQ(w.lowest(), 104 + 4 * 7) << "the 64 highest ids are what is kept";
}

}  // namespace
}  // namespace mtpipe::mtproto::session
