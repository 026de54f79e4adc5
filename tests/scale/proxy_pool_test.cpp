#include "scale/proxy_pool.h"

#include "scale/account_proxy.h"

#include <gtest/gtest.h>

namespace mtpipe::scale {
namespace {

using std::chrono::seconds;
using net::DialError;
const Clock::time_point t0{};

std::vector<net::ProxyUrl> proxies(int n) {
  std::vector<net::ProxyUrl> out;
  for (int i = 0; i < n; ++i) out.push_back(net::parse_proxy_url("socks5://u:secret@10.0.0." + std::to_string(i + 1) + ":1080"));
  return out;
}

const DialError dead(DialError::Kind::refused, "connecting to the proxy: refused");
const DialError dc_unreachable(DialError::Kind::proxy_refused, "the proxy could not reach the DC");

TEST(ProxyPool, AnAccountKeepsItsProxyAndAccountsSpreadOut) {
  ProxyPool pool(proxies(3), {});
  const auto a = pool.pick("alice", t0);
  const auto b = pool.pick("bob", t0);
  const auto c = pool.pick("carol", t0);
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(*a, *b);
  EXPECT_NE(*b, *c);
  EXPECT_NE(*a, *c);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(pool.pick("alice", t0 + seconds(i)), a);
}

TEST(ProxyPool, TheRotationPeriodMovesAnAccountElsewhere) {
  ProxyPoolOptions o;
  o.rotation = seconds(300);
  ProxyPool pool(proxies(2), o);
  const auto first = pool.pick("alice", t0);
  EXPECT_EQ(pool.pick("alice", t0 + seconds(299)), first);
  const auto rotated = pool.pick("alice", t0 + seconds(300));
  ASSERT_TRUE(rotated);
  EXPECT_NE(*rotated, *first);
  EXPECT_EQ(pool.status(*first).accounts, 0u);
  EXPECT_EQ(pool.status(*rotated).accounts, 1u);
}

TEST(ProxyPool, AnAccountWhoseProxyFailedMovesAtItsNextPickBeforeAnyBan) {
  ProxyPool pool(proxies(2), {});
  const auto first = pool.pick("alice", t0);
  const auto other = pool.pick("bob", t0);
  ASSERT_TRUE(first && other);
  EXPECT_FALSE(pool.on_failure(*first, dead, t0, "alice"));  // one failure: no ban yet
  EXPECT_EQ(pool.pick("alice", t0), other);
  EXPECT_EQ(pool.status(*first).accounts, 0u);
  EXPECT_TRUE(pool.status(*first).usable);
  // A failure that was the DC's, not the proxy's, moves nobody.
  EXPECT_FALSE(pool.on_failure(*other, dc_unreachable, t0, "alice"));
  EXPECT_EQ(pool.pick("alice", t0), other);
}

// A dead proxy reaches the fail-score limit, is banned, and its account's next pick goes through a healthy one.
TEST(ProxyPool, ADeadProxyIsBannedAtTheLimitAndItsAccountsMove) {
  ProxyPool pool(proxies(2), {});
  const auto first = *pool.pick("alice", t0);
  EXPECT_FALSE(pool.on_failure(first, dead, t0));
  EXPECT_FALSE(pool.on_failure(first, dead, t0));
  EXPECT_TRUE(pool.on_failure(first, dead, t0));  // the third: MTPROTO_PROXY_FAIL_SCORE_LIMIT
  EXPECT_FALSE(pool.status(first).usable);
  EXPECT_EQ(pool.usable_count(), 1u);
  const auto next = pool.pick("alice", t0);
  ASSERT_TRUE(next);
  EXPECT_NE(*next, first);
}

// The client redials at once only when the source says the next connection goes elsewhere.
TEST(AccountProxySource, AProxyFailureTellsTheClientWhetherAnotherProxyIsOffered) {
  ProxyPool pool(proxies(2), {});
  AccountProxySource alice(pool, "alice", [] { return t0; });
  const auto first = alice.choose();
  EXPECT_TRUE(alice.failed(first.id, dead));
  EXPECT_NE(alice.choose().id, first.id);
  EXPECT_FALSE(alice.failed(first.id, dc_unreachable));  // the DC's failure: the account stays

  ProxyPool lone(proxies(1), {});
  AccountProxySource bob(lone, "bob", [] { return t0; });
  EXPECT_FALSE(bob.failed(bob.choose().id, dead));  // nowhere else to go
}

TEST(ProxyPool, AProxyThatCouldNotReachTheDcIsNotHeldAgainstIt) {
  ProxyPool pool(proxies(1), {});
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(pool.on_failure(0, dc_unreachable, t0));
  EXPECT_TRUE(pool.status(0).usable);
  EXPECT_EQ(blame(dc_unreachable), Blame::network);
  EXPECT_EQ(blame(dead), Blame::proxy);
}

// Bans double: 30 s, then 60 s after a failed check; a passed check brings the proxy back.
TEST(ProxyPool, ABanRunsOutIntoAHealthCheckAndFailedChecksBanLonger) {
  ProxyPool pool(proxies(1), {});
  for (int i = 0; i < 3; ++i) pool.on_failure(0, dead, t0);
  EXPECT_EQ(pool.status(0).banned_until, t0 + seconds(30));
  EXPECT_TRUE(pool.due_for_check(t0 + seconds(29)).empty());
  ASSERT_EQ(pool.due_for_check(t0 + seconds(30)), std::vector<std::size_t>{0});
  EXPECT_FALSE(pool.pick("alice", t0 + seconds(31)));  // still banned until a check passes
  pool.on_check(0, false, t0 + seconds(30));
  EXPECT_EQ(pool.status(0).banned_until, t0 + seconds(90));
  pool.on_check(0, true, t0 + seconds(90));
  EXPECT_TRUE(pool.status(0).usable);
  EXPECT_EQ(pool.status(0).fail_score, 0);
  EXPECT_EQ(pool.pick("alice", t0 + seconds(91)), std::optional<std::size_t>(0));
}

TEST(ProxyPool, TheHealthierProxyIsPreferred) {
  ProxyPool pool(proxies(2), {});
  pool.on_failure(0, dead, t0);
  pool.on_success(1);
  EXPECT_EQ(pool.pick("alice", t0), std::optional<std::size_t>(1));
}

TEST(ProxyPool, StatusNamesAProxyWithoutItsPassword) {
  ProxyPool pool(proxies(1), {});
  EXPECT_EQ(pool.status(0).name.find("secret"), std::string::npos);
  EXPECT_EQ(pool.status(0).id.find("secret"), std::string::npos);
}

// One proxy service, one host and port, two accounts of it: two proxies. A ban of one leaves the other usable, and
// their ids (the keys other replicas know them by) differ though their names do not.
TEST(ProxyPool, ProxiesThatDifferOnlyInCredentialsAreTwoProxies) {
  ProxyPool pool({net::parse_proxy_url("socks5://u:Passw0rdOne@10.0.0.1:1080"),
                  net::parse_proxy_url("socks5://u:Passw0rdTwo@10.0.0.1:1080")},
                 {});
  EXPECT_EQ(pool.status(0).name, pool.status(1).name);
  EXPECT_NE(pool.status(0).id, pool.status(1).id);
  for (int i = 0; i < 3; ++i) pool.on_failure(0, dead, t0);
  EXPECT_FALSE(pool.status(0).usable);
  EXPECT_TRUE(pool.status(1).usable);
  EXPECT_EQ(pool.pick("alice", t0), std::optional<std::size_t>(1));
}

// The log lines of a ban and of a health check name the proxy without its password.
TEST(ProxyPool, LogLinesShowNoPassword) {
  ProxyPool pool({net::parse_proxy_url("socks5://u:Sup3rS3cretPw@10.0.0.1:1080"),
                  net::parse_proxy_url("socks5://u:Other5ecretPw@10.0.0.2:1080")},
                 {});
  AccountProxySource source(pool, "alice", [] { return t0; });
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) source.failed(0, dead);
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("proxy socks5://u:***@10.0.0.1:1080 banned"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("Sup3rS3cretPw"), std::string::npos) << logged;
}

}  // namespace
}  // namespace mtpipe::scale
