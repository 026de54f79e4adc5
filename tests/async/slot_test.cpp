#include "async/slot.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "spawned.h"

namespace mtpipe::async {
namespace {
namespace asio = boost::asio;
using test::Spawned;

TEST(Slot, DeliversTheValueToItsWaiter) {
  asio::io_context io;
  Slot<std::string> slot;
  std::optional<std::string> got;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { got = co_await slot.wait("testing"); });
  io.poll();
  EXPECT_FALSE(task.ended);
  slot.set_value("answer");
  io.poll();
  ASSERT_TRUE(task.ended_ok()) << task.what();
  EXPECT_EQ(got, "answer");
}

TEST(Slot, AValueSetBeforeTheWaitIsThereAtOnce) {
  asio::io_context io;
  Slot<int> slot;
  slot.set_value(7);
  std::optional<int> got;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { got = co_await slot.wait("testing"); });
  io.poll();
  EXPECT_EQ(got, 7);
}

TEST(Slot, DeliversTheErrorToItsWaiter) {
  asio::io_context io;
  Slot<int> slot;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { (void)co_await slot.wait("testing"); });
  io.poll();
  slot.set_error(std::make_exception_ptr(std::runtime_error("refused")));
  io.poll();
  ASSERT_TRUE(task.ended);
  EXPECT_EQ(task.what(), "refused");
  EXPECT_FALSE(is_cancellation(task.error));
}

// Exactly once: whatever comes after the first outcome is dropped.
TEST(Slot, TheFirstOutcomeIsTheOne) {
  asio::io_context io;
  Slot<int> value_first, error_first;
  value_first.set_value(1);
  value_first.set_error(std::make_exception_ptr(std::runtime_error("late")));
  value_first.set_value(2);
  error_first.set_error(std::make_exception_ptr(std::runtime_error("first")));
  error_first.set_value(3);
  std::optional<int> got;
  Spawned a, b;
  a.start(io, [&]() -> asio::awaitable<void> { got = co_await value_first.wait("testing"); });
  b.start(io, [&]() -> asio::awaitable<void> { (void)co_await error_first.wait("testing"); });
  io.poll();
  EXPECT_EQ(got, 1);
  EXPECT_TRUE(a.ended_ok()) << a.what();
  EXPECT_EQ(b.what(), "first");
}

TEST(Slot, WaitUntilEndsEmptyAtTheDeadline) {
  asio::io_context io;
  Slot<int> slot;
  std::optional<std::optional<int>> got;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { got = co_await slot.wait_until(SteadyClock::now(), "testing"); });
  io.run();
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  slot.set_value(1);  // too late, and nobody waits: dropped quietly
}

TEST(Slot, ACancelledWaiterThrowsCancelledAndALaterValueIsDropped) {
  asio::io_context io;
  Slot<int> slot;
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { (void)co_await slot.wait("waiting for the answer"); });
  io.poll();
  task.cancel();
  io.poll();
  ASSERT_TRUE(task.ended_cancelled()) << task.what();
  EXPECT_EQ(task.what(), "cancelled while waiting for the answer");
  slot.set_value(1);
  io.poll();
}

TEST(Slot, ADestroyedSlotWakesItsWaiterWithCancelled) {
  asio::io_context io;
  std::optional<Slot<int>> slot(std::in_place);
  Spawned task;
  task.start(io, [&]() -> asio::awaitable<void> { (void)co_await slot->wait("testing"); });
  io.poll();
  slot.reset();
  io.poll();
  EXPECT_TRUE(task.ended_cancelled()) << task.what();
}

}  // namespace
}  // namespace mtpipe::async
