// AccountPool: leases by load, flood waits routed around, bounded waiting, quarantine with probes, retirement.
// The pool's clock is shifted by the tests to jump over quarantines; the few real waits are a few ms and the tests
// assert who got what and how it ended, never how long it took.
#include "scale/account_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <optional>
#include <vector>

#include "async/cancelled.h"
#include "mtproto/connection/call_error.h"

namespace mtpipe::scale {
namespace {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::seconds;

const client::Method kHistory = client::Method::named("messages.getHistory");
const client::Method kResolve = client::Method::named("contacts.resolveUsername");

struct Harness {
  explicit Harness(std::vector<std::string> names, int concurrency = 2, std::size_t max_waiters = 100)
      : pool(std::move(names), options(concurrency, max_waiters)) {}

  AccountPoolOptions options(int concurrency, std::size_t max_waiters) {
    AccountPoolOptions o;
    o.max_concurrency = concurrency;
    o.max_waiters = max_waiters;
    o.now = [this] { return Clock::now() + shift; };
    return o;
  }
  Clock::time_point now() const { return Clock::now() + shift; }
  Clock::time_point far() const { return now() + seconds(60); }

  static asio::awaitable<void> take(AccountPool& pool, std::map<std::string, AccountLease>& held, std::string key,
                                    LeaseRequest request) {
    held[key] = co_await pool.lease(std::move(request));
  }
  // Starts a lease request named `key`; its lease lands in held[key], its failure in ended[key].
  void spawn(const std::string& key, client::Method method, Clock::time_point deadline,
             std::vector<std::size_t> avoid = {}) {
    asio::co_spawn(io, take(pool, held, key, LeaseRequest{std::move(method), deadline, std::move(avoid), std::nullopt}),
                   asio::bind_cancellation_slot(cancel[key].slot(),
                                                [this, key](std::exception_ptr e) { ended[key] = e; }));
  }
  // Runs everything that can run now (no timers).
  void settle() {
    io.restart();
    io.poll();
  }
  std::string holder(const std::string& key) { return held.at(key).name(); }
  template <class E>
  E error(const std::string& key) {
    try {
      if (ended.at(key)) std::rethrow_exception(ended.at(key));
    } catch (const E& e) {
      return e;
    } catch (const std::exception& e) {
      ADD_FAILURE() << key << " ended with another error: " << e.what();
      throw;
    }
    ADD_FAILURE() << key << " did not fail";
    throw std::logic_error("no error");
  }

  asio::io_context io;
  Clock::duration shift{};
  AccountPool pool;
  std::map<std::string, AccountLease> held;
  std::map<std::string, std::exception_ptr> ended;
  std::map<std::string, asio::cancellation_signal> cancel;
};

TEST(AccountPool, SpreadsLeasesAndNeverExceedsTheConcurrencyPerAccount) {
  Harness h({"a", "b", "c"}, 2);
  for (int i = 0; i < 6; ++i) h.spawn("r" + std::to_string(i), kHistory, h.far());
  h.spawn("r6", kHistory, h.far());
  h.settle();
  std::map<std::string, int> per_account;
  for (int i = 0; i < 6; ++i) ++per_account[h.holder("r" + std::to_string(i))];
  EXPECT_EQ(per_account, (std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}}));
  EXPECT_FALSE(h.held.contains("r6"));  // waits: every account carries its maximum
  EXPECT_EQ(h.pool.counters().waiters, 1u);

  const std::string freed = h.holder("r4");
  h.held.at("r4").release();
  h.settle();
  EXPECT_EQ(h.holder("r6"), freed);
  EXPECT_EQ(h.pool.in_flight(), 6);
  EXPECT_EQ(h.pool.counters().waited, 1u);
}

// The flood record is the accounts' clients' own: what a client recorded keeps the pool off that account for the
// method, and what the pool is told lands in the record the client holds its methods back by.
TEST(AccountPool, ReadsAndWritesTheFloodRecordItsAccountsClientsKeep) {
  std::vector<std::shared_ptr<client::FloodMemory>> records{std::make_shared<client::FloodMemory>(),
                                                            std::make_shared<client::FloodMemory>()};
  AccountPoolOptions o;
  o.flood_memories = records;
  AccountPool pool({"a", "b"}, o);
  asio::io_context io;
  const auto lease = [&](client::Method method) {
    std::optional<AccountLease> out;
    asio::co_spawn(io, pool.lease(LeaseRequest{method, Clock::now() + seconds(5), {}, std::nullopt}),
                   [&](std::exception_ptr e, AccountLease l) {
                     if (!e) out = std::move(l);
                   });
    io.restart();
    io.run();
    return std::move(*out);
  };
  records[0]->hold(kResolve.id(), Clock::now() + seconds(300));  // as a's client records a FLOOD_WAIT
  for (int i = 0; i < 4; ++i) EXPECT_EQ(lease(kResolve).name(), "b");

  auto leased = lease(kHistory);
  const auto until = Clock::now() + seconds(60);
  leased.flood_wait(until);
  EXPECT_EQ(records[leased.account()]->blocked_until(kHistory.id(), Clock::now()), until);
  EXPECT_THROW(AccountPool({"a"}, o), std::invalid_argument);  // one record per account
}

TEST(AccountPool, ALeaseForAMethodNeverLandsOnAnAccountFloodWaitedForIt) {
  Harness h({"a", "b"}, 10);
  h.spawn("first", kResolve, h.far());
  h.settle();
  const std::string flooded = h.holder("first");
  h.held.at("first").flood_wait(h.now() + seconds(300));
  h.held.erase("first");
  for (int i = 0; i < 8; ++i) h.spawn("resolve" + std::to_string(i), kResolve, h.far());
  h.spawn("history", kHistory, h.far());
  h.settle();
  for (int i = 0; i < 8; ++i) EXPECT_NE(h.holder("resolve" + std::to_string(i)), flooded);
  EXPECT_EQ(h.pool.counters().flood_waits, 1u);
  // Another method may still use it: the wait is per method.
  h.held.clear();
  h.spawn("h1", kHistory, h.far());
  h.spawn("h2", kHistory, h.far());
  h.settle();
  EXPECT_NE(h.holder("h1"), h.holder("h2"));
}

TEST(AccountPool, EveryAccountFloodWaitedPastTheDeadlineFailsAtOnceWithTheRetryTime) {
  Harness h({"a", "b"});
  const auto until_a = h.now() + seconds(100), until_b = h.now() + seconds(40);
  h.spawn("x", kResolve, h.far());
  h.spawn("y", kResolve, h.far());
  h.settle();
  h.held.at(h.holder("x") == "a" ? "x" : "y").flood_wait(until_a);
  h.held.at(h.holder("x") == "b" ? "x" : "y").flood_wait(until_b);
  h.held.clear();
  h.spawn("late", kResolve, h.now() + seconds(10));
  h.settle();
  const auto e = h.error<PoolError>("late");
  EXPECT_EQ(e.reason(), PoolError::Reason::flood_waited);
  ASSERT_TRUE(e.retry_at());
  EXPECT_EQ(*e.retry_at(), until_b);
}

TEST(AccountPool, AWaiterGetsTheAccountWhenItsFloodWaitEnds) {
  Harness h({"a"});
  h.spawn("x", kResolve, h.far());
  h.settle();
  h.held.at("x").flood_wait(h.now() + milliseconds(5));
  h.held.clear();
  h.spawn("next", kResolve, h.far());
  h.io.restart();
  h.io.run();  // the pool's own timer wakes the waiter when the wait ends
  EXPECT_EQ(h.holder("next"), "a");
}

TEST(AccountPool, AFullQueueRefusesAtOnce) {
  Harness h({"a"}, 1, 2);
  h.spawn("busy", kHistory, h.far());
  h.spawn("w1", kHistory, h.far());
  h.spawn("w2", kHistory, h.far());
  h.spawn("w3", kHistory, h.far());
  h.settle();
  EXPECT_EQ(h.error<PoolError>("w3").reason(), PoolError::Reason::exhausted);
  EXPECT_EQ(h.pool.counters().refused_exhausted, 1u);
  EXPECT_EQ(h.pool.counters().waiters, 2u);
  h.held.at("busy").release();
  h.settle();
  EXPECT_EQ(h.holder("w1"), "a");  // first come, first served
  EXPECT_FALSE(h.held.contains("w2"));
}

// A request that asks after a release, before the waiter it woke has run, must not take the account from it:
// otherwise a steady stream of newcomers can keep one waiter out until its deadline.
TEST(AccountPool, AFreedAccountGoesToTheLongestWaitingRequestNotToANewcomer) {
  Harness h({"a"}, 1);
  h.spawn("busy", kHistory, h.far());
  h.spawn("waiting", kHistory, h.far());
  h.settle();
  for (int round = 0; round < 3; ++round) {
    const std::string newcomer = "newcomer" + std::to_string(round);
    h.spawn(newcomer, kHistory, h.far());  // asks before the waiter wakes
    h.held.at(round == 0 ? "busy" : "waiting").release();
    h.settle();
    EXPECT_EQ(h.holder(round == 0 ? "waiting" : "newcomer" + std::to_string(round - 1)), "a");
    EXPECT_FALSE(h.held.contains(newcomer));
    if (round > 0) h.held["waiting"] = std::move(h.held.at("newcomer" + std::to_string(round - 1)));
  }
  EXPECT_EQ(h.pool.counters().waiters, 1u);
}

// The waiting request's frame can go without resuming (its executor shut down) after an account was handed to
// it: the account comes back instead of staying counted in flight.
TEST(AccountPool, AnAccountHandedToAWaiterThatNeverResumesComesBack) {
  Harness h({"a"}, 1);
  h.spawn("busy", kHistory, h.far());
  {
    asio::io_context other;
    asio::co_spawn(other, Harness::take(h.pool, h.held, "gone", LeaseRequest{kHistory, h.far(), {}, std::nullopt}),
                   asio::detached);
    h.settle();
    other.poll();  // waits in line
    EXPECT_EQ(h.pool.counters().waiters, 1u);
    h.held.at("busy").release();  // handed to "gone", whose executor never runs again
    EXPECT_EQ(h.pool.in_flight(), 1);
  }
  EXPECT_FALSE(h.held.contains("gone"));
  EXPECT_EQ(h.pool.in_flight(), 0);
  EXPECT_EQ(h.pool.counters().waiters, 0u);
}

TEST(AccountPool, AWaiterWhoseDeadlinePassesFailsWithDeadline) {
  Harness h({"a"}, 1);
  h.spawn("busy", kHistory, h.far());
  h.spawn("short", kHistory, h.now() + milliseconds(3));
  h.io.restart();
  h.io.run();
  EXPECT_EQ(h.error<PoolError>("short").reason(), PoolError::Reason::deadline);
  EXPECT_EQ(h.pool.counters().waiters, 0u);
}

TEST(AccountPool, CancellingAWaiterEndsItWithCancelled) {
  Harness h({"a"}, 1);
  h.spawn("busy", kHistory, h.far());
  h.spawn("waiting", kHistory, h.far());
  h.settle();
  h.cancel["waiting"].emit(asio::cancellation_type::terminal);
  h.settle();
  EXPECT_NO_THROW(h.error<async::Cancelled>("waiting"));
  EXPECT_EQ(h.pool.counters().waiters, 0u);
}

TEST(AccountPool, RepeatedFailuresQuarantineAndADueProbeBringsTheAccountBack) {
  Harness h({"a", "b"}, 4);
  const auto a = *h.pool.find("a");
  for (int i = 0; i < 3; ++i) {
    h.spawn("f" + std::to_string(i), kHistory, h.far(), {*h.pool.find("b")});
    h.settle();
    ASSERT_EQ(h.holder("f" + std::to_string(i)), "a");
    h.held.at("f" + std::to_string(i)).failed();
    h.held.clear();
  }
  EXPECT_EQ(h.pool.status(a).state, AccountState::quarantined);
  EXPECT_EQ(h.pool.counters().quarantines, 1u);
  EXPECT_EQ(h.pool.usable_count(), 1u);
  for (int i = 0; i < 4; ++i) h.spawn("q" + std::to_string(i), kHistory, h.far());
  h.settle();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(h.holder("q" + std::to_string(i)), "b");
  h.held.clear();

  h.shift += seconds(31);  // past the first quarantine (30 s)
  h.spawn("probe", kHistory, h.far());
  h.spawn("other", kHistory, h.far());
  h.settle();
  EXPECT_EQ(h.holder("probe"), "a");   // a due probe goes first
  EXPECT_EQ(h.holder("other"), "b");   // and alone: one request at a time while on probation
  EXPECT_EQ(h.pool.counters().probes, 1u);
  h.held.at("probe").succeeded();
  h.held.clear();
  EXPECT_EQ(h.pool.status(a).state, AccountState::healthy);
  EXPECT_EQ(h.pool.usable_count(), 2u);
}

TEST(AccountPool, AFailedProbeQuarantinesForTwiceAsLong) {
  Harness h({"a"}, 1);
  for (int i = 0; i < 3; ++i) {
    h.spawn("f" + std::to_string(i), kHistory, h.far());
    h.settle();
    h.held.at("f" + std::to_string(i)).failed();
    h.held.clear();
  }
  h.spawn("early", kHistory, h.now() + seconds(10));  // the probe (30 s away) would come too late
  h.settle();
  EXPECT_EQ(h.error<PoolError>("early").reason(), PoolError::Reason::no_usable_account);
  h.shift += seconds(31);
  h.spawn("probe", kHistory, h.far());
  h.settle();
  const auto failed_at = h.now();
  h.held.at("probe").failed();
  h.held.clear();
  h.spawn("again", kHistory, h.now() + seconds(600));
  h.io.restart();
  h.io.poll();
  EXPECT_FALSE(h.held.contains("again"));  // waits for the next probe, 60 s away
  h.held.clear();
  h.cancel["again"].emit(asio::cancellation_type::terminal);
  h.settle();
  h.spawn("late", kHistory, h.now() + seconds(10));
  h.settle();
  const auto e = h.error<PoolError>("late");
  EXPECT_EQ(e.reason(), PoolError::Reason::no_usable_account);
  ASSERT_TRUE(e.retry_at());
  // The pool's clock runs on while the test does, hence a range rather than exactly 60 s.
  EXPECT_GE(*e.retry_at() - failed_at, seconds(60));
  EXPECT_LT(*e.retry_at() - failed_at, seconds(61));
}

TEST(AccountPool, ARetiredAccountIsNeverLeasedAgainAndAnEmptyPoolFailsClearly) {
  Harness h({"a", "b"}, 5);
  h.spawn("x", kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  h.held.at("x").retire("USER_DEACTIVATED_BAN");
  h.held.clear();
  const auto a = *h.pool.find("a");
  EXPECT_EQ(h.pool.status(a).state, AccountState::retired);
  EXPECT_EQ(h.pool.status(a).retired_because, "USER_DEACTIVATED_BAN");
  for (int i = 0; i < 5; ++i) h.spawn("r" + std::to_string(i), kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(h.holder("r" + std::to_string(i)), "b");
  h.spawn("waiting", kHistory, h.far());
  h.settle();
  EXPECT_FALSE(h.held.contains("waiting"));
  h.held.begin()->second.retire("SESSION_REVOKED");  // the last account dies: the waiter hears so at once
  h.settle();
  EXPECT_EQ(h.error<PoolError>("waiting").reason(), PoolError::Reason::no_usable_account);
  EXPECT_EQ(h.pool.counters().retirements, 2u);
  EXPECT_EQ(h.pool.usable_count(), 0u);
}

TEST(AccountPool, AnAvoidedAccountIsUsedOnlyWhenNothingElseCan) {
  Harness h({"a", "b"}, 1);
  const auto a = *h.pool.find("a");
  h.spawn("x", kHistory, h.far(), {a});
  h.spawn("y", kHistory, h.far(), {a});
  h.settle();
  EXPECT_EQ(h.holder("x"), "b");
  EXPECT_EQ(h.holder("y"), "a");
}

TEST(AccountPool, ARequestPinnedToAnAccountWaitsForThatOne) {
  Harness h({"a", "b"}, 1);
  const auto a = *h.pool.find("a");
  h.spawn("busy", kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  ASSERT_EQ(h.holder("busy"), "a");
  asio::co_spawn(h.io, Harness::take(h.pool, h.held, "pinned", LeaseRequest{kHistory, h.far(), {}, a}),
                 [&](std::exception_ptr e) { h.ended["pinned"] = e; });
  h.settle();
  EXPECT_FALSE(h.held.contains("pinned"));  // b is free, but the request is a's
  // First come, first served holds only among requests an account can serve: the waiter for a does not hold
  // back a newcomer that b can take.
  h.spawn("newcomer", kHistory, h.far());
  h.settle();
  EXPECT_EQ(h.holder("newcomer"), "b");
  h.held.at("busy").release();
  h.settle();
  EXPECT_EQ(h.holder("pinned"), "a");
}

TEST(AccountPool, AnAccountThisProcessDoesNotHoldGetsNoLeases) {
  Harness h({"a", "b"}, 3);
  h.pool.set_available(*h.pool.find("a"), false);
  EXPECT_EQ(h.pool.usable_count(), 1u);
  for (int i = 0; i < 3; ++i) h.spawn("r" + std::to_string(i), kHistory, h.far());
  h.settle();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.holder("r" + std::to_string(i)), "b");
  h.pool.set_available(*h.pool.find("b"), false);
  h.spawn("none", kHistory, h.far());
  h.settle();
  EXPECT_EQ(h.error<PoolError>("none").reason(), PoolError::Reason::no_usable_account);
}

TEST(AccountPool, AReplicaWaitsForAnAccountItMayStillGet) {
  Harness h({"a"});
  // What ReplicaLeases sets up: the account is not ours until its lease is.
  AccountPoolOptions o = h.options(2, 10);
  o.wait_for_unavailable = true;
  AccountPool pool({"a"}, o);
  pool.set_available(0, false);
  asio::co_spawn(h.io, Harness::take(pool, h.held, "r", LeaseRequest{kHistory, h.far(), {}, std::nullopt}),
                 [&](std::exception_ptr e) { h.ended["r"] = e; });
  h.settle();
  EXPECT_FALSE(h.held.contains("r"));
  EXPECT_FALSE(h.ended.contains("r"));
  pool.set_available(0, true);
  h.settle();
  EXPECT_EQ(h.holder("r"), "a");
  h.held.clear();  // before `pool` goes
}

TEST(AccountPool, AnAccountPastItsLeaseValidityTakesNoNewRequest) {
  Harness h({"a", "b"}, 3);
  const auto a = *h.pool.find("a");
  h.pool.set_valid_until(a, h.now() + seconds(10));
  h.spawn("before", kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  EXPECT_EQ(h.holder("before"), "a");  // valid still
  h.shift += seconds(11);               // the lease's local validity ran out; the lease manager has not yet run
  EXPECT_EQ(h.pool.usable_count(), 1u);
  EXPECT_FALSE(h.pool.status(a).available);
  for (int i = 0; i < 3; ++i) h.spawn("after" + std::to_string(i), kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.holder("after" + std::to_string(i)), "b");
  h.pool.set_valid_until(a, h.now() + seconds(10));  // renewed
  h.spawn("renewed", kHistory, h.far(), {*h.pool.find("b")});
  h.settle();
  EXPECT_EQ(h.holder("renewed"), "a");
}

// A flood wait pokes every waiter to look again. A poked waiter checks whether it can still be served and does not
// dispatch (nothing came free), so the cost of one flood event grows with the waiters, not with their square.
TEST(AccountPool, AFloodEventCostsWaitersTimesAccountsNotWaitersSquared) {
  constexpr int kWaiters = 200;
  Harness h({"a", "b"}, 1, kWaiters + 10);
  const auto b = *h.pool.find("b");
  h.spawn("busy", kHistory, h.far(), {b});
  h.settle();
  ASSERT_EQ(h.holder("busy"), "a");
  // b is free but flood-waited for resolve: resolve requests queue for a.
  asio::co_spawn(h.io, Harness::take(h.pool, h.held, "flooder", LeaseRequest{kResolve, h.far(), {}, b}),
                 [&](std::exception_ptr e) { h.ended["flooder"] = e; });
  h.settle();
  h.held.at("flooder").flood_wait(h.now() + seconds(30));
  h.held.erase("flooder");
  for (int i = 0; i < kWaiters; ++i) h.spawn("w" + std::to_string(i), kResolve, h.far());
  h.settle();
  ASSERT_EQ(h.pool.counters().waiters, static_cast<std::uint64_t>(kWaiters));
  const auto before = h.pool.counters().account_checks;
  h.held.at("busy").flood_wait(h.now() + seconds(1));  // on a, for history: a poke for everyone
  h.settle();
  const auto cost = h.pool.counters().account_checks - before;
  EXPECT_LE(cost, static_cast<std::uint64_t>(4 * kWaiters * 2));
  EXPECT_EQ(h.pool.counters().waiters, static_cast<std::uint64_t>(kWaiters));  // still waiting, none refused
}

TEST(AccountPool, PrefersTheAccountWithMoreRateTokensLeft) {
  AccountPoolOptions o;
  o.tokens_left = [](const std::string& account, std::string_view) { return account == "b" ? 5.0 : 0.0; };
  AccountPool pool({"a", "b"}, o);
  asio::io_context io;
  std::string got;
  auto take = [&]() -> asio::awaitable<void> {
    LeaseRequest request{kHistory, Clock::now() + seconds(5), {}, std::nullopt};
    auto lease = co_await pool.lease(std::move(request));
    got = lease.name();
  };
  asio::co_spawn(io, take(), asio::detached);
  io.run();
  EXPECT_EQ(got, "b");
}

}  // namespace
}  // namespace mtpipe::scale
