// RouteLink: a channel's statistics request goes where the router trusts, the caller's own DC wins, the request is
// handed back as it came, and the router learns from every outcome.
#include "scale/chain/route_link.h"

#include <gtest/gtest.h>

#include "chain_fixture.h"
#include "client/rpc_error.h"

namespace mtpipe::scale {
namespace {
using client::RpcError;
using testing::FakeNext;
using testing::failure_of;
using testing::holds;
using testing::request_for;

constexpr std::int64_t kChannel = 777;
constexpr const char* kStats = "stats.getBroadcastStats";

struct Harness {
  std::exception_ptr send(client::Request& request) { return failure_of(io, link.invoke(request)); }
  client::Request stats_request() {
    auto r = request_for(kStats);
    r.channel_id = kChannel;
    return r;
  }
  double confidence() const { return router.status(kChannel, Clock::now())->confidence; }

  boost::asio::io_context io;
  FakeNext next;
  DcRouter router;
  RouteLink link{next, router};
};

TEST(RouteLink, SendsAChannelsStatisticsToItsKnownDcAndHandsTheRequestBackUnchanged) {
  Harness h;
  h.router.learned(kChannel, 4, RouteSource::full_channel, Clock::now());
  auto r = h.stats_request();
  EXPECT_EQ(h.send(r), nullptr);
  ASSERT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.next.seen[0].dc, 4);
  EXPECT_FALSE(r.dc);  // an attempt on another account is routed afresh
  PipelineCounters c;
  h.link.count(c);
  EXPECT_EQ(c.routed_by_cache, 1u);
}

TEST(RouteLink, LeavesOtherMethodsAndUnknownChannelsToTheHomeDc) {
  Harness h;
  h.router.learned(kChannel, 4, RouteSource::full_channel, Clock::now());
  auto history = request_for("messages.getHistory");
  history.channel_id = kChannel;
  auto unknown = h.stats_request();
  unknown.channel_id = kChannel + 1;
  EXPECT_EQ(h.send(history), nullptr);
  EXPECT_EQ(h.send(unknown), nullptr);
  ASSERT_EQ(h.next.seen.size(), 2u);
  EXPECT_FALSE(h.next.seen[0].dc);
  EXPECT_FALSE(h.next.seen[1].dc);
}

TEST(RouteLink, TheCallersDcWins) {
  Harness h;
  h.router.learned(kChannel, 4, RouteSource::full_channel, Clock::now());
  auto r = h.stats_request();
  r.dc = 5;
  EXPECT_EQ(h.send(r), nullptr);
  EXPECT_EQ(h.next.seen[0].dc, 5);
  EXPECT_EQ(r.dc, 5);
}

TEST(RouteLink, LearnsWhereAMigrationLedAndWhereAnUnroutedRequestWasAnswered) {
  Harness h;
  h.next.answer = [](client::Request& r, std::size_t n) {
    r.trace.dc = n == 0 ? 3 : 1;
    r.trace.request_migrations = n == 0 ? 1 : 0;
    return client::Answer{1};
  };
  auto migrated = h.stats_request();
  EXPECT_EQ(h.send(migrated), nullptr);
  EXPECT_EQ(h.router.status(kChannel, Clock::now())->dc, 3);
  EXPECT_EQ(h.router.status(kChannel, Clock::now())->source, RouteSource::migrate);

  auto other = h.stats_request();
  other.channel_id = kChannel + 1;
  EXPECT_EQ(h.send(other), nullptr);
  EXPECT_EQ(h.router.status(kChannel + 1, Clock::now())->dc, 1);
  EXPECT_EQ(h.router.status(kChannel + 1, Clock::now())->source, RouteSource::answered);
}

TEST(RouteLink, ARoutedFailureLowersTheRoutesConfidenceButAMigrateDoesNot) {
  Harness h;
  h.router.learned(kChannel, 4, RouteSource::full_channel, Clock::now());
  const double before = h.confidence();
  h.next.answer = [](client::Request&, std::size_t n) -> client::Answer {
    if (n == 0) throw RpcError::from_server(303, "STATS_MIGRATE_2");
    throw RpcError::from_server(500, "INTERNAL");
  };
  auto first = h.stats_request(), second = h.stats_request();
  EXPECT_TRUE(holds<RpcError>(h.send(first)));
  EXPECT_NEAR(h.confidence(), before, 1e-6);
  EXPECT_TRUE(holds<RpcError>(h.send(second)));
  EXPECT_LT(h.confidence(), before - 0.1);
  EXPECT_FALSE(second.dc);
}

}  // namespace
}  // namespace mtpipe::scale
