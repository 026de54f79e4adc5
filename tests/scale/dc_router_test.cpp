// DcRouter: learning, correcting, trusting and forgetting channel -> stats DC mappings on an injected clock; and
// the stats_dc read out of a real serialized messages.chatFull.
#include "scale/dc_router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "scale/stats_dc_answer.h"
#include "tl/api.h"
#include "tl/serialize.h"

namespace mtpipe::scale {
namespace {

using std::chrono::hours;
using Source = DcRouter::Source;
using WallClock = std::chrono::system_clock;
const Clock::time_point t0{};
constexpr std::int64_t kChannel = 1001;
constexpr auto kDay = hours(24);

TEST(DcRouter, RoutesOnlyWhatItLearned) {
  DcRouter router;
  EXPECT_EQ(router.route(kChannel, t0), std::nullopt);
  router.learned(kChannel, 2, Source::full_channel, t0);
  EXPECT_EQ(router.route(kChannel, t0), 2);
  EXPECT_EQ(router.route(kChannel + 1, t0), std::nullopt);
  const auto& c = router.counters();
  EXPECT_EQ(c.hits, 1u);
  EXPECT_EQ(c.misses, 2u);
  EXPECT_EQ(c.learned, 1u);
  EXPECT_EQ(c.corrected, 0u);
  EXPECT_EQ(router.status(kChannel, t0)->source, Source::full_channel);
}

TEST(DcRouter, AStatsMigrateReplacesTheCachedDcAndCountsACorrection) {
  DcRouter router;
  router.learned(kChannel, 2, Source::full_channel, t0);
  router.learned(kChannel, 4, Source::migrate, t0 + hours(1));
  EXPECT_EQ(router.route(kChannel, t0 + hours(1)), 4);
  EXPECT_EQ(router.counters().corrected, 1u);
  EXPECT_EQ(router.counters().learned, 2u);
  EXPECT_DOUBLE_EQ(router.status(kChannel, t0 + hours(1))->confidence, 1.0);
  // A migrate that agrees with the cache renews it but corrects nothing.
  router.learned(kChannel, 4, Source::migrate, t0 + hours(2));
  EXPECT_EQ(router.counters().corrected, 1u);
  EXPECT_EQ(router.counters().learned, 2u);
  // A first migrate for a channel is learning, not a correction.
  router.learned(kChannel + 1, 3, Source::migrate, t0);
  EXPECT_EQ(router.counters().corrected, 1u);
}

// 0.9 from channelFull halves every 7 days: 0.9 * 2^(-5/7) = 0.55 still routes, 0.9 * 2^(-1) = 0.45 does not.
TEST(DcRouter, ConfidenceDecaysWithAgeUntilTheMappingIsLearnedAgain) {
  DcRouter router;
  router.learned(kChannel, 2, Source::full_channel, t0);
  EXPECT_NEAR(router.status(kChannel, t0 + 7 * kDay)->confidence, 0.45, 1e-9);
  EXPECT_EQ(router.route(kChannel, t0 + 5 * kDay), 2);
  EXPECT_EQ(router.route(kChannel, t0 + 7 * kDay), std::nullopt);
  router.learned(kChannel, 2, Source::full_channel, t0 + 7 * kDay);
  EXPECT_EQ(router.route(kChannel, t0 + 7 * kDay), 2);
  EXPECT_NEAR(router.status(kChannel, t0 + 7 * kDay)->confidence, 0.9, 1e-9);
}

TEST(DcRouter, FailuresLowerConfidenceAndSuccessesRaiseIt) {
  DcRouter router;
  router.learned(kChannel, 2, Source::migrate, t0);
  router.failed(kChannel, 3, t0);  // not the cached DC: says nothing about it
  EXPECT_DOUBLE_EQ(router.status(kChannel, t0)->confidence, 1.0);
  router.failed(kChannel, 2, t0);
  EXPECT_DOUBLE_EQ(router.status(kChannel, t0)->confidence, 0.5);
  EXPECT_EQ(router.route(kChannel, t0), 2);  // at the threshold still routes
  router.failed(kChannel, 2, t0);
  EXPECT_EQ(router.route(kChannel, t0), std::nullopt);
  router.succeeded(kChannel, 2, t0);  // 0.25 -> 0.625
  EXPECT_DOUBLE_EQ(router.status(kChannel, t0)->confidence, 0.625);
  EXPECT_EQ(router.route(kChannel, t0), 2);
  const auto s = *router.status(kChannel, t0);
  EXPECT_EQ(s.failures, 2u);
  EXPECT_EQ(s.successes, 1u);
}

TEST(DcRouter, ASuccessWhereTheCacheRoutedCountsAMigrationAvoided) {
  DcRouter router;
  router.learned(kChannel, 2, Source::full_channel, t0);
  router.succeeded(kChannel, 2, t0);
  router.succeeded(kChannel, 2, t0 + hours(1));
  EXPECT_EQ(router.counters().migrations_avoided, 2u);
  // A success on a DC the cache would not have routed to (stale by now) avoided nothing, but renews the mapping.
  router.learned(kChannel + 1, 3, Source::full_channel, t0);
  router.succeeded(kChannel + 1, 3, t0 + 30 * kDay);
  EXPECT_EQ(router.counters().migrations_avoided, 2u);
  EXPECT_EQ(router.route(kChannel + 1, t0 + 30 * kDay), 3);
}

TEST(DcRouter, ASuccessOnAnotherDcIsTheServersWord) {
  DcRouter router;
  router.succeeded(kChannel, 5, t0);  // nothing cached: learned from the answer
  EXPECT_EQ(router.route(kChannel, t0), 5);
  EXPECT_EQ(router.status(kChannel, t0)->source, Source::answered);
  router.succeeded(kChannel, 1, t0);  // answered on DC 1 without a migrate: DC 1 it is
  EXPECT_EQ(router.route(kChannel, t0), 1);
  EXPECT_EQ(router.counters().learned, 2u);
  EXPECT_EQ(router.counters().migrations_avoided, 0u);
}

TEST(DcRouter, ChangesAreReportedOnceAndRestoredMappingsAgeByWallClock) {
  DcRouter router;
  const auto wall0 = WallClock::time_point(std::chrono::seconds(1'700'000'000));
  router.learned(kChannel, 2, Source::migrate, t0);
  router.learned(kChannel + 1, 4, Source::full_channel, t0);
  const auto changed = router.changes(t0, wall0);
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed[0].channel_id, kChannel);
  EXPECT_EQ(changed[0].dc, 2);
  EXPECT_EQ(changed[0].as_of, wall0);
  router.mark_saved();
  EXPECT_TRUE(router.changes(t0, wall0).empty());
  router.failed(kChannel, 2, t0);
  ASSERT_EQ(router.changes(t0, wall0).size(), 1u);
  EXPECT_EQ(router.records(t0, wall0).size(), 2u);

  // A new process, a week of wall-clock time later, on a steady clock that started anew.
  DcRouter restarted;
  const Clock::time_point later{std::chrono::seconds(5)};
  restarted.restore(router.records(t0, wall0), later, wall0 + 7 * kDay);
  EXPECT_TRUE(restarted.changes(later, wall0).empty());
  EXPECT_DOUBLE_EQ(restarted.status(kChannel, later)->confidence, 0.25);  // 0.5 halved
  EXPECT_DOUBLE_EQ(restarted.status(kChannel + 1, later)->confidence, 0.45);
  EXPECT_EQ(restarted.status(kChannel, later)->failures, 1u);
  EXPECT_EQ(restarted.route(kChannel, later), std::nullopt);
}

TEST(DcRouter, RefusesImpossibleInput) {
  DcRouterOptions bad;
  bad.min_confidence = 1.5;
  EXPECT_THROW(DcRouter{bad}, std::invalid_argument);
  bad = {};
  bad.half_life = Clock::duration::zero();
  EXPECT_THROW(DcRouter{bad}, std::invalid_argument);
  DcRouter router;
  EXPECT_THROW(router.learned(kChannel, 0, Source::migrate, t0), std::invalid_argument);
  RouteRecord r;
  r.channel_id = kChannel;
  r.dc = 2;
  r.confidence = 2;
  EXPECT_THROW(router.restore({r}, t0, WallClock::time_point{}), std::invalid_argument);
}

TEST(DcRouter, StatsMethodsAreRoutedByChannelOrToken) {
  for (const auto* m : {"stats.getBroadcastStats", "stats.getMegagroupStats", "stats.getMessageStats",
                        "stats.getMessagePublicForwards", "stats.getStoryStats"})
    EXPECT_EQ(stats_route_of(m), StatsRoute::channel_dc) << m;
  EXPECT_EQ(stats_route_of("stats.loadAsyncGraph"), StatsRoute::token_dc);
  EXPECT_EQ(stats_route_of("messages.getHistory"), StatsRoute::none);
  EXPECT_EQ(route_source_named("migrate"), RouteSource::migrate);
  EXPECT_EQ(route_source_named("bogus"), std::nullopt);
}

// --- stats_dc from channels.getFullChannel answers ---

namespace api = tl::api;

std::vector<std::uint8_t> channel_full_answer(std::int64_t id, std::optional<std::int32_t> stats_dc) {
  auto full = std::make_unique<api::channelFull>();
  full->id = id;
  full->about = "a channel";
  full->participants_count = 10;
  full->chat_photo = std::make_unique<api::photoEmpty>();
  full->notify_settings = std::make_unique<api::peerNotifySettings>();
  full->stats_dc = stats_dc;
  full->can_view_stats = true;
  full->pts = 1;
  api::messages::chatFull answer;
  answer.full_chat = std::move(full);
  return tl::serialize(answer);
}

TEST(StatsDcAnswer, ReadsStatsDcFromASerializedChannelFull) {
  const auto bytes = channel_full_answer(kChannel, 4);
  const auto fact = stats_dc_of_answer(bytes);
  ASSERT_TRUE(fact);
  EXPECT_EQ(fact->channel_id, kChannel);
  EXPECT_EQ(fact->stats_dc, 4);
  // The typed form the client's invoke returns gives the same.
  tl::Reader r(bytes);
  const auto typed = api::channels::getFullChannel::tl_read_result(r);
  const auto again = stats_dc_of(*typed);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->stats_dc, 4);
}

TEST(StatsDcAnswer, NothingWithoutStatsDcOrForOtherAnswers) {
  EXPECT_EQ(stats_dc_of_answer(channel_full_answer(kChannel, std::nullopt)), std::nullopt);
  auto chat = std::make_unique<api::chatFull>();  // a basic group: no stats DC
  chat->id = 7;
  auto participants = std::make_unique<api::chatParticipantsForbidden>();
  participants->chat_id = 7;
  chat->participants = std::move(participants);
  chat->notify_settings = std::make_unique<api::peerNotifySettings>();
  api::messages::chatFull answer;
  answer.full_chat = std::move(chat);
  EXPECT_EQ(stats_dc_of_answer(tl::serialize(answer)), std::nullopt);
  const std::vector<std::uint8_t> garbage{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(stats_dc_of_answer(garbage), std::nullopt);
  auto truncated = channel_full_answer(kChannel, 4);
  truncated.resize(truncated.size() - 4);
  EXPECT_EQ(stats_dc_of_answer(truncated), std::nullopt);
}

}  // namespace
}  // namespace mtpipe::scale
