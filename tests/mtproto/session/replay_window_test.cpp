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

}  // namespace
}  // namespace mtpipe::mtproto::session
