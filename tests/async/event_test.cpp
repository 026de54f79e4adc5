#include "async/event.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "spawned.h"

namespace mtpipe::async {
namespace {
namespace asio = boost::asio;
using test::Spawned;

TEST(Event, NotifyWakesEveryWaiter) {
  asio::io_context io;
  Event event;
  std::array<Spawned, 3> waiters;
  for (auto& w : waiters) w.start(io, [&] { return event.wait(); });
  io.poll();
  EXPECT_EQ(event.waiting(), 3u);
  for (const auto& w : waiters) EXPECT_FALSE(w.ended);
  event.notify_all();
  io.poll();
  for (const auto& w : waiters) EXPECT_TRUE(w.ended_ok()) << w.what();
  EXPECT_EQ(event.waiting(), 0u);
}

// Not a latch: a notify nobody waited for is gone, and a woken waiter that waits again waits for the next one.
TEST(Event, AWaiterAddedAfterANotifyWaitsForTheNext) {
  asio::io_context io;
  Event event;
  event.notify_all();
  int woken = 0;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> {
    for (;;) {
      co_await event.wait();
      ++woken;
    }
  });
  io.poll();
  EXPECT_EQ(woken, 0);
  event.notify_all();
  io.poll();
  EXPECT_EQ(woken, 1);
  io.poll();
  EXPECT_EQ(woken, 1);
  event.notify_all();
  io.poll();
  EXPECT_EQ(woken, 2);
  task.cancel();
  io.poll();
  EXPECT_TRUE(task.ended_cancelled()) << task.what();
}

TEST(Event, WaitUntilTellsANotifyFromTheDeadline) {
  asio::io_context io;
  Event event;
  std::optional<bool> notified, expired;
  Spawned a, b;
  a.start(io, [&]() -> asio::awaitable<void> { notified = co_await event.wait_until(SteadyClock::time_point::max()); });
  b.start(io, [&]() -> asio::awaitable<void> { expired = co_await event.wait_until(SteadyClock::now()); });
  io.poll();
  event.notify_all();
  io.run();  // the notified one is ready, the other one's deadline has passed: run returns once both ended
  EXPECT_EQ(notified, true);
  EXPECT_EQ(expired, false);
}

TEST(Event, CancellingOneWaiterLeavesTheOthersWaiting) {
  asio::io_context io;
  Event event;
  Spawned cancelled, waiting;
  cancelled.start(io, [&] { return event.wait(); });
  waiting.start(io, [&] { return event.wait(); });
  io.poll();
  cancelled.cancel();
  io.poll();
  ASSERT_TRUE(cancelled.ended_cancelled()) << cancelled.what();
  EXPECT_FALSE(waiting.ended);
  EXPECT_EQ(event.waiting(), 1u);
  event.notify_all();
  io.poll();
  EXPECT_TRUE(waiting.ended_ok()) << waiting.what();
}

TEST(Event, ADestroyedEventWakesItsWaitersWithCancelled) {
  asio::io_context io;
  std::optional<Event> event(std::in_place);
  std::array<Spawned, 2> waiters;
  for (auto& w : waiters) w.start(io, [&] { return event->wait(); });
  io.poll();
  event.reset();
  io.poll();
  for (const auto& w : waiters) EXPECT_TRUE(w.ended_cancelled()) << w.what();
}

// A frame destroyed while it waits (an io_context shut down) leaves the event's list: the event outlives it.
TEST(Event, AWaiterWhoseFrameIsDestroyedLeavesTheList) {
  Event event;
  {
    asio::io_context io;
    Spawned waiter;
    waiter.start(io, [&] { return event.wait(); });
    io.poll();
    EXPECT_EQ(event.waiting(), 1u);
  }
  EXPECT_EQ(event.waiting(), 0u);
  event.notify_all();
}

TEST(Event, WaitingForAConditionWakesOnlyWhenItHolds) {
  asio::io_context io;
  Event event;
  int count = 0;
  std::optional<bool> held;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> {
    held = co_await event.wait_until(SteadyClock::time_point::max(), [&] { return count >= 2; });
  });
  io.poll();
  ++count;
  event.notify_all();
  io.poll();
  EXPECT_FALSE(task.ended);  // notified, but the condition does not hold yet
  ++count;
  event.notify_all();
  io.poll();
  EXPECT_EQ(held, true);
}

TEST(Event, AConditionThatHoldsAlreadyDoesNotWait) {
  asio::io_context io;
  Event event;
  std::optional<bool> held;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> {
    held = co_await event.wait_until(SteadyClock::time_point::max(), [] { return true; });
  });
  io.poll();
  EXPECT_EQ(held, true);
  EXPECT_EQ(event.waiting(), 0u);
}

TEST(Event, AConditionWaitEndsFalseAtItsDeadline) {
  asio::io_context io;
  Event event;
  std::optional<bool> held;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> {
    held = co_await event.wait_until(SteadyClock::now(), [] { return false; });
  });
  io.run();
  EXPECT_EQ(held, false);
}

}  // namespace
}  // namespace mtpipe::async
