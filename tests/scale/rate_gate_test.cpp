// RateGate: the limiter's waits served to coroutines. Real timers, driven by the limiter's own rates (tens of ms);
// the tests assert order, counters and error types, never how long something took.
#include "scale/rate_gate.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <initializer_list>
#include <map>
#include <vector>

#include "async/cancelled.h"
#include "mtproto/connection/call_error.h"

namespace mtpipe::scale {
namespace {
namespace asio = boost::asio;
using std::chrono::seconds;

constexpr const char* kMethod = "messages.getHistory";

RateLimits per_account_only(double rps) {
  RateLimits l;
  l.global_rps = 0;
  l.account_rps = rps;
  l.account_burst = 1;
  l.per_class = false;
  return l;
}

// Runs acquires on one io_context and records who got a token in which order and how each one ended.
struct Harness {
  explicit Harness(RateLimits limits, std::size_t max_waiters = 1000)
      : gate(limits, RateGateOptions{max_waiters, [this] { return Clock::now() + shift; }}) {}

  Clock::time_point now() const { return Clock::now() + shift; }

  static asio::awaitable<void> acquire_then_record(RateGate& gate, std::vector<std::string>& granted,
                                                   std::string name, std::string account,
                                                   Clock::time_point deadline) {
    co_await gate.acquire(std::move(account), kMethod, deadline);
    granted.push_back(std::move(name));
  }

  void spawn(const std::string& name, Clock::time_point deadline, const std::string& account = "acc") {
    asio::co_spawn(io, acquire_then_record(gate, granted, name, account, deadline),
                   asio::bind_cancellation_slot(cancel[name].slot(),
                                                [this, name](std::exception_ptr e) { ended[name] = e; }));
  }

  void spawn_all(std::initializer_list<const char*> names, Clock::time_point deadline) {
    for (const char* name : names) spawn(name, deadline);
  }

  // Posted after the spawns, so it runs once they all are waiting or done.
  void cancel_soon(const std::string& name) {
    asio::post(io, [this, name] { cancel[name].emit(asio::cancellation_type::terminal); });
  }

  bool ended_cancelled(const std::string& name) const {
    return ended.count(name) && async::is_cancellation(ended.at(name));
  }

  template <class Error>
  bool failed_with(const std::string& name) const {
    const auto it = ended.find(name);
    if (it == ended.end() || !it->second) return false;
    try {
      std::rethrow_exception(it->second);
    } catch (const Error&) {
      return true;
    } catch (...) {
      return false;
    }
  }

  asio::io_context io;
  Clock::duration shift{};  // moves the gate's clock, never its timers
  RateGate gate;
  std::vector<std::string> granted;
  std::map<std::string, std::exception_ptr> ended;
  std::map<std::string, asio::cancellation_signal> cancel;
};

TEST(RateGate, WaitersForOneAccountAndMethodAreGrantedInArrivalOrder) {
  Harness h(per_account_only(50));
  const auto deadline = h.now() + seconds(30);
  h.spawn_all({"a", "b", "c", "d", "e"}, deadline);
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.gate.counters().granted, 5u);
  EXPECT_EQ(h.gate.counters().waited, 4u);  // the burst of one let only "a" through at once
  EXPECT_EQ(h.gate.counters().waiters, 0u);
}

// "c" comes when the bucket has a token again (the clock jumped), but "b" is still waiting: "c" must queue
// behind it rather than take the token first.
TEST(RateGate, ANewcomerDoesNotOvertakeAWaiterEvenWhenATokenIsThere) {
  Harness h(per_account_only(20));
  const auto deadline = h.now() + seconds(30);
  h.spawn("a", deadline);
  h.spawn("b", deadline);
  asio::post(h.io, [&] {
    h.shift += seconds(10);
    h.spawn("c", deadline + seconds(10));
  });
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(h.gate.counters().waited, 2u);
}

TEST(RateGate, OtherAccountsDoNotQueueBehindAWaitingOne) {
  Harness h(per_account_only(2));
  const auto deadline = h.now() + seconds(30);
  h.spawn("a1", deadline, "a");
  h.spawn("a2", deadline, "a");  // waits half a second for account a's next token
  h.spawn("b1", deadline, "b");
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a1", "b1", "a2"}));
  EXPECT_EQ(h.gate.counters().waited, 1u);
}

// One token a second: the second caller's token is a second away and its deadline a tenth of one. It is refused
// at once, which the counters show: nobody slept, and nothing but the first caller's token was taken.
TEST(RateGate, ACallerWhoseDeadlineComesBeforeItsTokenIsRefusedWithoutWaiting) {
  Harness h(per_account_only(1));
  h.spawn("first", h.now() + seconds(30));
  h.spawn("hurried", h.now() + std::chrono::milliseconds(100));
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"first"}));
  ASSERT_TRUE(h.failed_with<RateDeadlineExceeded>("hurried"));
  try {
    std::rethrow_exception(h.ended["hurried"]);
  } catch (const RateRefused& e) {
    EXPECT_EQ(e.reason(), RateRefused::Reason::deadline);
    EXPECT_EQ(e.limited_by(), Limit::account);
    EXPECT_GT(e.wait(), std::chrono::milliseconds(100));
  }
  EXPECT_EQ(h.gate.counters().waited, 0u);
  EXPECT_EQ(h.gate.counters().refused_deadline, 1u);
  EXPECT_EQ(h.gate.limiter().counters().granted, 1u);
}

// A newcomer behind a waiting caller is judged by the wait the front was told: its token cannot come earlier.
TEST(RateGate, ANewcomerBehindAWaiterIsRefusedWhenTheFrontsWaitOutlastsItsDeadline) {
  Harness h(per_account_only(5));
  h.spawn("first", h.now() + seconds(30));
  h.spawn("second", h.now() + seconds(30));  // front of the queue, told ~200 ms
  asio::post(h.io, [&] { h.spawn("hurried", h.now() + std::chrono::milliseconds(20)); });
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(h.failed_with<RateDeadlineExceeded>("hurried"));
  EXPECT_EQ(h.gate.counters().waited, 1u);  // only "second" slept
  EXPECT_EQ(h.gate.counters().refused_deadline, 1u);
}

TEST(RateGate, ACallerBeyondMaxWaitersIsRefusedAtOnce) {
  Harness h(per_account_only(50), /*max_waiters=*/1);
  const auto deadline = h.now() + seconds(30);
  h.spawn_all({"a", "b", "c"}, deadline);  // "b" is the one waiter allowed
  h.spawn("other", deadline, "another account");  // its own token is there: no wait, so no refusal
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a", "other", "b"}));
  EXPECT_TRUE(h.failed_with<RateQueueFull>("c"));
  EXPECT_EQ(h.gate.counters().refused_queue_full, 1u);
  EXPECT_EQ(h.gate.counters().waited, 1u);
}

// Cancelling the front ends it with CallError(cancelled) and hands the front to the next caller, who still gets
// its token.
TEST(RateGate, ACancelledWaiterEndsWithCancelledAndTheNextOneMovesUp) {
  Harness h(per_account_only(2));
  h.spawn_all({"a", "b", "c"}, h.now() + seconds(30));
  h.cancel_soon("b");
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(h.ended_cancelled("b"));
  EXPECT_EQ(h.gate.counters().waiters, 0u);
}

TEST(RateGate, ACancelledWaiterBehindTheFrontLeavesTheQueue) {
  Harness h(per_account_only(5));
  h.spawn_all({"a", "b", "c", "d"}, h.now() + seconds(30));
  h.cancel_soon("c");
  h.io.run();
  EXPECT_EQ(h.granted, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_TRUE(h.ended_cancelled("c"));
  EXPECT_EQ(h.gate.counters().granted, 3u);
}

TEST(RateGate, WithEveryLimitOffEverythingIsGrantedAtOnce) {
  RateLimits off;
  off.global_rps = 0;
  off.account_rps = 0;
  off.per_class = false;
  Harness h(off, /*max_waiters=*/0);
  const auto deadline = h.now() + seconds(30);
  for (int i = 0; i < 200; ++i) h.spawn(std::to_string(i), deadline, "acc" + std::to_string(i % 3));
  h.io.run();
  EXPECT_EQ(h.granted.size(), 200u);
  EXPECT_EQ(h.gate.counters().granted, 200u);
  EXPECT_EQ(h.gate.counters().waited, 0u);
  EXPECT_EQ(h.gate.counters().refused_queue_full, 0u);
}

TEST(RateGate, APassedDeadlineIsRefusedEvenWithATokenThere) {
  Harness h(per_account_only(50));
  h.spawn("late", h.now() - seconds(1));
  h.io.run();
  EXPECT_TRUE(h.failed_with<RateDeadlineExceeded>("late"));
  EXPECT_EQ(h.gate.limiter().counters().granted, 0u);
}

TEST(RateGate, AFloodWaitReachesTheLimiter) {
  RateLimits l;
  l.global_rps = 0;
  l.account_rps = 0;
  Harness h(l);
  h.gate.on_flood_wait("acc", kMethod);
  EXPECT_EQ(h.gate.limiter().counters().flood_cuts, 1u);
}

}  // namespace
}  // namespace mtpipe::scale
