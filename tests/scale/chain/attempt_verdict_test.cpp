// judge(): what a failed attempt says about its account, for every kind of failure the chain meets.
#include "scale/chain/attempt_verdict.h"

#include <gtest/gtest.h>

#include "async/cancelled.h"
#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/account_pool.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {
using client::RpcError;
using mtproto::CallError;

template <class E>
Judgement judged(E error, Clock::time_point now = Clock::now()) {
  return judge(std::make_exception_ptr(std::move(error)), now);
}

TEST(AttemptVerdict, TheServersAnswersAboutTheAccount) {
  const auto now = Clock::now();
  const auto flood = judged(RpcError::from_server(420, "FLOOD_WAIT_30"), now);
  EXPECT_EQ(flood.verdict, Verdict::flood);
  EXPECT_EQ(flood.flood_until, now + std::chrono::seconds(30));
  EXPECT_EQ(judged(RpcError::from_server(420, "FLOOD_PREMIUM_WAIT_5")).verdict, Verdict::flood);

  auto held = RpcError::from_server(420, "FLOOD_WAIT_30");
  held.set_retry_at(now + std::chrono::seconds(3));
  EXPECT_EQ(judged(held, now).flood_until, now + std::chrono::seconds(3));  // the exact moment the account knew

  const auto dead = judged(RpcError::from_server(401, "SESSION_REVOKED"));
  EXPECT_EQ(dead.verdict, Verdict::dead_account);
  EXPECT_EQ(dead.reason, "SESSION_REVOKED");
  EXPECT_EQ(judged(RpcError::from_server(500, "INTERNAL")).verdict, Verdict::account_fault);
  EXPECT_EQ(judged(RpcError::timed_out("no answer")).verdict, Verdict::account_fault);
  EXPECT_EQ(judged(RpcError::from_server(406, "AUTH_KEY_DUPLICATED")).verdict, Verdict::account_fault);
}

TEST(AttemptVerdict, AnswersAboutTheRequestItselfAreFinal) {
  EXPECT_EQ(judged(RpcError::from_server(400, "CHANNEL_PRIVATE")).verdict, Verdict::final);
  EXPECT_EQ(judged(RpcError::from_server(400, "SLOWMODE_WAIT_10")).verdict, Verdict::final);  // per chat
  EXPECT_EQ(judged(RpcError::from_server(303, "STATS_MIGRATE_2")).verdict, Verdict::final);
}

TEST(AttemptVerdict, TransportAndLimitFailures) {
  EXPECT_EQ(judged(CallError(CallError::Kind::connection_lost, "gone")).verdict, Verdict::account_fault);
  EXPECT_EQ(judged(net::DialError(net::DialError::Kind::dns, "no name")).verdict, Verdict::account_fault);
  EXPECT_EQ(judged(RateQueueFull(Limit::global, {}, "full")).verdict, Verdict::not_sent);
}

TEST(AttemptVerdict, CancellationAndForeignErrorsAreRethrown) {
  EXPECT_THROW(judged(async::Cancelled("stop")), async::Cancelled);
  EXPECT_THROW(judged(std::invalid_argument("a bug")), std::invalid_argument);
  EXPECT_THROW(judged(PoolError(PoolError::Reason::deadline, "late")), PoolError);  // no attempt was made
}

}  // namespace
}  // namespace mtpipe::scale
