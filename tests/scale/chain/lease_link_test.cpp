// LeaseLink: an account of the pool per attempt, the pool told how each went, and another account tried only for
// failures that were the account's.
#include "scale/chain/lease_link.h"

#include <gtest/gtest.h>

#include "async/cancelled.h"
#include "base/describe.h"
#include "chain_fixture.h"
#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {
using client::RpcError;
using mtproto::CallError;
using testing::FakeNext;
using testing::failure_of;
using testing::holds;
using testing::request_for;

constexpr const char* kMethod = "messages.getHistory";

struct Harness {
  explicit Harness(std::size_t accounts = 3, int max_attempts = 3)
      : pool(names(accounts), AccountPoolOptions{}), link(next, pool, max_attempts) {}
  static std::vector<std::string> names(std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back("acc" + std::to_string(i));
    return out;
  }
  std::exception_ptr send(client::Request& request) { return failure_of(io, link.invoke(request)); }
  PipelineCounters counters() const {
    PipelineCounters c;
    link.count(c);
    return c;
  }
  // Fails the first `n` attempts with `error`, then answers.
  template <class E>
  void fail_first(std::size_t n, E error) {
    next.answer = [n, error](client::Request&, std::size_t i) -> client::Answer {
      if (i < n) throw error;
      return {9};
    };
  }

  boost::asio::io_context io;
  FakeNext next;
  AccountPool pool;
  LeaseLink link;
};

TEST(LeaseLink, LendsAnAccountAndGivesItBackAfterTheAnswer) {
  Harness h;
  auto request = request_for(kMethod);
  EXPECT_EQ(h.send(request), nullptr);
  ASSERT_EQ(h.next.seen.size(), 1u);
  ASSERT_TRUE(h.next.seen[0].account);
  EXPECT_EQ(h.next.seen[0].account_name, h.pool.name(*h.next.seen[0].account));
  EXPECT_EQ(h.next.seen[0].attempt, 1);
  EXPECT_EQ(request.account, h.next.seen[0].account);  // the caller learns who answered
  EXPECT_EQ(h.pool.in_flight(), 0);
  EXPECT_EQ(h.pool.counters().granted, 1u);
}

TEST(LeaseLink, AFloodWaitedAccountIsToldAndAnotherOneTries) {
  Harness h;
  h.fail_first(1, RpcError::from_server(420, "FLOOD_WAIT_60"));
  auto request = request_for(kMethod);
  EXPECT_EQ(h.send(request), nullptr);
  ASSERT_EQ(h.next.seen.size(), 2u);
  EXPECT_NE(h.next.seen[0].account, h.next.seen[1].account);
  EXPECT_EQ(h.next.seen[1].attempt, 2);
  EXPECT_EQ(h.pool.counters().flood_waits, 1u);
  EXPECT_EQ(h.counters().flood_waits, 1u);
  EXPECT_EQ(h.counters().retried_on_another_account, 1u);
  // The waited account is not lent for that method again before the wait ends.
  for (int i = 0; i < 6; ++i) {
    auto again = request_for(kMethod);
    h.next.answer = [](client::Request&, std::size_t) { return client::Answer{1}; };
    ASSERT_EQ(h.send(again), nullptr);
    EXPECT_NE(again.account, h.next.seen[0].account);
  }
}

TEST(LeaseLink, ADeadAccountIsRetiredAndAnotherOneTries) {
  Harness h;
  h.fail_first(1, RpcError::from_server(401, "USER_DEACTIVATED_BAN"));
  auto request = request_for(kMethod);
  EXPECT_EQ(h.send(request), nullptr);
  ASSERT_EQ(h.next.seen.size(), 2u);
  const auto dead = *h.next.seen[0].account;
  EXPECT_EQ(h.pool.status(dead).state, AccountState::retired);
  EXPECT_EQ(h.pool.status(dead).retired_because, "USER_DEACTIVATED_BAN");
  EXPECT_EQ(h.counters().retirements, 1u);
}

TEST(LeaseLink, AnAccountFaultCountsAgainstItsHealth) {
  Harness h;
  h.fail_first(1, CallError(CallError::Kind::connection_lost, "gone"));
  auto request = request_for(kMethod);
  EXPECT_EQ(h.send(request), nullptr);
  ASSERT_EQ(h.next.seen.size(), 2u);
  EXPECT_LT(h.pool.status(*h.next.seen[0].account).score, 1.0);
  EXPECT_EQ(h.pool.status(*h.next.seen[1].account).score, 1.0);
}

TEST(LeaseLink, AnAnswerAboutTheRequestItselfIsNotTriedElsewhere) {
  Harness h;
  h.fail_first(1, RpcError::from_server(400, "CHANNEL_PRIVATE"));
  auto request = request_for(kMethod);
  const auto failure = h.send(request);
  EXPECT_TRUE(holds<RpcError>(failure));
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.pool.status(*h.next.seen[0].account).score, 1.0);  // the account works
  EXPECT_EQ(h.counters().retried_on_another_account, 0u);
}

TEST(LeaseLink, StopsAfterMaxAttemptsWithTheLastFailure) {
  Harness h(5, 3);
  h.next.answer = [](client::Request&, std::size_t i) -> client::Answer {
    throw net::DialError(net::DialError::Kind::refused, "attempt " + std::to_string(i));
  };
  auto request = request_for(kMethod);
  const auto failure = h.send(request);
  ASSERT_TRUE(holds<net::DialError>(failure));
  EXPECT_EQ(mtpipe::describe(failure), "attempt 2");
  EXPECT_EQ(h.next.seen.size(), 3u);
  EXPECT_EQ(h.counters().retried_on_another_account, 2u);
}

TEST(LeaseLink, APinnedRequestStaysOnItsAccount) {
  Harness h;
  h.fail_first(1, RpcError::from_server(420, "FLOOD_WAIT_60"));
  auto request = request_for(kMethod);
  request.account = 2;
  EXPECT_TRUE(holds<RpcError>(h.send(request)));
  ASSERT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.next.seen[0].account, 2u);
}

TEST(LeaseLink, ARequestThatMustNotRunTwiceIsRetriedOnlyAfterAFloodWait) {
  Harness h;
  h.fail_first(1, CallError(CallError::Kind::connection_lost, "gone"));
  auto lost = request_for(kMethod);
  lost.resend_after_reconnect = false;
  EXPECT_TRUE(holds<CallError>(h.send(lost)));
  EXPECT_EQ(h.next.seen.size(), 1u);

  Harness flooded;
  flooded.fail_first(1, RpcError::from_server(420, "FLOOD_WAIT_60"));
  auto waited = request_for(kMethod);
  waited.resend_after_reconnect = false;
  EXPECT_EQ(flooded.send(waited), nullptr);  // the server said it never ran
  EXPECT_EQ(flooded.next.seen.size(), 2u);
}

TEST(LeaseLink, ARateRefusalIsNeitherRetriedNorHeldAgainstTheAccount) {
  Harness h;
  h.fail_first(1, RateDeadlineExceeded(Limit::global, std::chrono::seconds(1), "no token in time"));
  auto request = request_for(kMethod);
  EXPECT_TRUE(holds<RateRefused>(h.send(request)));
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.pool.status(*h.next.seen[0].account).score, 1.0);
  EXPECT_EQ(h.pool.in_flight(), 0);
}

TEST(LeaseLink, CancellationGoesUpUntouched) {
  Harness h;
  h.fail_first(1, async::Cancelled("stop"));
  auto request = request_for(kMethod);
  const auto failure = h.send(request);
  EXPECT_TRUE(async::is_cancellation(failure));
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.pool.status(*h.next.seen[0].account).score, 1.0);
  EXPECT_EQ(h.pool.in_flight(), 0);
}

TEST(LeaseLink, NoAccountInTimeIsAPoolError) {
  Harness h(1);
  h.pool.set_available(0, false);
  auto request = request_for(kMethod);
  EXPECT_TRUE(holds<PoolError>(h.send(request)));
  EXPECT_TRUE(h.next.seen.empty());
}

}  // namespace
}  // namespace mtpipe::scale
