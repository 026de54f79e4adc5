// The parking primitive under Event, Slot and sleep: woken, expired, cancelled, and a wake that came early.
#include "async/wakeup.h"

#include <gtest/gtest.h>

#include <optional>

#include "spawned.h"

namespace mtpipe::async {
namespace {
namespace asio = boost::asio;
using test::Spawned;

TEST(Wakeup, WakeResumesTheWaiter) {
  asio::io_context io;
  Wakeup wakeup(io.get_executor());
  std::optional<Wakeup::End> end;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { end = co_await wakeup.wait("testing"); });
  io.poll();
  EXPECT_FALSE(task.ended);
  wakeup.wake();
  io.poll();
  ASSERT_TRUE(task.ended_ok()) << task.what();
  EXPECT_EQ(end, Wakeup::End::woken);
}

TEST(Wakeup, ADeadlineThatPassedEndsTheWaitExpired) {
  asio::io_context io;
  Wakeup wakeup(io.get_executor());
  std::optional<Wakeup::End> end;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { end = co_await wakeup.wait(SteadyClock::now(), "testing"); });
  io.run();  // the timer is due already: run returns once it fired
  ASSERT_TRUE(task.ended_ok()) << task.what();
  EXPECT_EQ(end, Wakeup::End::expired);
}

// A wake while nobody waits is kept: the next wait returns at once, even past its deadline, and only that one.
TEST(Wakeup, AnEarlyWakeIsKeptForTheNextWaitOnly) {
  asio::io_context io;
  Wakeup wakeup(io.get_executor());
  wakeup.wake();
  std::optional<Wakeup::End> first, second;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> {
    first = co_await wakeup.wait(SteadyClock::time_point::min(), "testing");
    second = co_await wakeup.wait("testing");
  });
  io.poll();
  EXPECT_EQ(first, Wakeup::End::woken);
  EXPECT_FALSE(second);
  EXPECT_FALSE(task.ended);
  wakeup.wake();
  io.poll();
  EXPECT_EQ(second, Wakeup::End::woken);
  EXPECT_TRUE(task.ended_ok()) << task.what();
}

TEST(Wakeup, CancellingTheWaiterThrowsCancelled) {
  asio::io_context io;
  Wakeup wakeup(io.get_executor());
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { co_await wakeup.wait("testing the cancellation"); });
  io.poll();
  task.cancel();
  io.poll();
  ASSERT_TRUE(task.ended_cancelled()) << task.what();
  EXPECT_EQ(task.what(), "cancelled while testing the cancellation");
}

}  // namespace
}  // namespace mtpipe::async
