#include "async/sleep.h"

#include <gtest/gtest.h>

#include "spawned.h"

namespace mtpipe::async {
namespace {
namespace asio = boost::asio;
using test::Spawned;

TEST(Sleep, ASleepUntilAPassedTimeEnds) {
  asio::io_context io;
  Spawned task;
  task.start(io, [&] { return sleep_until(SteadyClock::now()); });
  io.run();  // nothing but the due timer: run returns once it fired
  EXPECT_TRUE(task.ended_ok()) << task.what();
}

TEST(Sleep, ACancelledSleepThrowsCancelled) {
  asio::io_context io;
  Spawned sleeping, other;
  sleeping.start(io, [&] { return sleep_for(std::chrono::hours(1)); });
  other.start(io, [&] { return sleep_for(std::chrono::hours(1)); });
  io.poll();
  EXPECT_FALSE(sleeping.ended);
  sleeping.cancel();
  io.poll();
  ASSERT_TRUE(sleeping.ended_cancelled()) << sleeping.what();
  EXPECT_EQ(sleeping.what(), "cancelled while sleeping");
  EXPECT_FALSE(other.ended);  // only the cancelled one
}

}  // namespace
}  // namespace mtpipe::async
