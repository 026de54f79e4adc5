// The sim's world beyond login: authorization export/import, USER_MIGRATE after a home move, log-out and
// revocation, flood limits, AUTH_KEY_DUPLICATED, FILE_MIGRATE and STATS_MIGRATE.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim/channels.h"
#include "sim/synthetic_file.h"
#include "world_helpers.h"

namespace mtpipe {
namespace {

using namespace testing;

constexpr std::int64_t kUser = 1'000'021'234;  // 9996621234, homed on DC 2
const std::string kPhone = "9996621234";

api::auth::exportAuthorization export_to(std::int32_t dc) {
  api::auth::exportAuthorization req;
  req.dc_id = dc;
  return req;
}

api::auth::importAuthorization import_of(const api::auth::exportedAuthorization& e) {
  api::auth::importAuthorization req;
  req.id = e.id;
  req.bytes = e.bytes;
  return req;
}

TEST(World, ExportedAuthorizationLogsInAnotherDcOnce) {
  SimFixture sim;
  asio::io_context io;
  auto home = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(rpc_error_of(io, *home, export_to(2)), "400 DC_ID_INVALID");
  EXPECT_EQ(rpc_error_of(io, *home, export_to(9)), "400 DC_ID_INVALID");
  const auto exported = run(io, home->invoke(export_to(3), 10s));
  const auto& e = dynamic_cast<const api::auth::exportedAuthorization&>(*exported);

  auto other = sim.connect(io, plain_intermediate(), 3);
  auto forged = import_of(e);
  forged.bytes[0] ^= 1;
  EXPECT_EQ(rpc_error_of(io, *other, forged), "400 AUTH_BYTES_INVALID");
  EXPECT_EQ(user_of(run(io, other->invoke(import_of(e), 10s))), kUser);
  auto third = sim.connect(io, plain_intermediate(), 3);
  EXPECT_EQ(rpc_error_of(io, *third, import_of(e)), "400 AUTH_BYTES_INVALID") << "one use";
  // Home-only methods on the foreign DC point home.
  EXPECT_EQ(rpc_error_of(io, *other, get_self()), "303 USER_MIGRATE_2");
  home->close();
  other->close();
  third->close();
}

TEST(World, MovedHomeAnswersUserMigrate) {
  SimFixture sim;
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "");
  sim.server().world().move_home(kUser, 3);
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "303 USER_MIGRATE_3");
  EXPECT_EQ(rpc_error_of(io, *c, api::updates::getState{}), "303 USER_MIGRATE_3");
  c->close();
}

TEST(World, LogOutAndRevokedSessions) {
  SimFixture sim;
  asio::io_context io;
  auto first = logged_in(sim, io, kPhone, 2);
  run(io, first->invoke(api::auth::logOut{}, 10s));
  EXPECT_EQ(rpc_error_of(io, *first, get_self()), "401 AUTH_KEY_UNREGISTERED");
  first->close();

  auto a = logged_in(sim, io, kPhone, 2);
  auto b = logged_in(sim, io, kPhone, 2);
  EXPECT_TRUE(run(io, b->invoke(api::auth::resetAuthorizations{}, 10s)));
  EXPECT_EQ(rpc_error_of(io, *a, get_self()), "401 SESSION_REVOKED");
  EXPECT_EQ(rpc_error_of(io, *a, api::help::getNearestDc{}), "401 SESSION_REVOKED") << "every query";
  EXPECT_EQ(rpc_error_of(io, *b, get_self()), "") << "the key that asked stays";
  sim.server().world().revoke_sessions(kUser);
  EXPECT_EQ(rpc_error_of(io, *b, get_self()), "401 SESSION_REVOKED");
  a->close();
  b->close();
}

TEST(World, FloodLimitCountsRequestsDuringTheWait) {
  mtproto::ManualClock clock(1'700'000'000LL * 1'000'000'000);
  sim::SimOptions o;
  o.flood_limits.push_back(sim::parse_flood_rule("help.getNearestDc=3/10"));
  o.world_clock = &clock;
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  clock.advance_ns(4'000'000'000);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_6");
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "") << "other methods are not limited";
  // A client that respects the wait sends nothing until it is over.
  clock.advance_ns(6'000'000'000);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  auto counters = sim.server().flood_counters();
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].subject.user_id, kUser);
  EXPECT_EQ(counters[0].flood_waits, 1u);
  EXPECT_EQ(counters[0].requests_during_wait, 0u);
  // One that does not is counted on every request.
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_10") << "three calls at t=10 s";
  clock.advance_ns(1'500'000'000);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_9") << "8.5 s left, rounded up";
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_9");
  counters = sim.server().flood_counters();
  EXPECT_EQ(counters[0].flood_waits, 2u);
  EXPECT_EQ(counters[0].requests_during_wait, 2u);
  EXPECT_NE(sim.server().stats_json().find("\"requests_during_wait\":2"), std::string::npos) << sim.server().stats_json();
  c->close();
}

TEST(World, SameLoggedInKeyWithAnotherSessionIsDuplicated) {
  SimFixture sim;
  asio::io_context io;
  auto first = logged_in(sim, io, kPhone, 2);
  const auto key = first->session()->resume_state();
  auto second = sim.dial(io, sim.options(plain_intermediate()));
  run(io, second->start(key));  // the same key, a new session, while the first connection lives
  EXPECT_EQ(rpc_error_of(io, *second, get_self()), "406 AUTH_KEY_DUPLICATED");
  EXPECT_EQ(rpc_error_of(io, *first, get_self()), "") << "the older connection keeps working";
  EXPECT_EQ(sim.server().dc(1).stats.auth_key_duplicated.load(), 1u);
  second->close();
}

// The referee of "one account driven from one place": an honest reconnect (the old connection closed first) keeps
// the count at one session per key, a second place raises it to two.
TEST(World, CountsTheMostLiveSessionsALoggedInKeyCarriedAtOnce) {
  SimFixture sim;
  asio::io_context io;
  auto first = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(sim.server().world().max_live_sessions_per_key(), 1u);
  const auto key = first->session()->resume_state();
  first->close();
  auto second = sim.dial(io, sim.options(plain_intermediate()));
  run(io, second->start(key));
  EXPECT_EQ(rpc_error_of(io, *second, get_self()), "") << "a reconnect with a new session";
  EXPECT_EQ(sim.server().world().max_live_sessions_per_key(), 1u);
  auto third = sim.dial(io, sim.options(plain_intermediate()));
  run(io, third->start(key));
  EXPECT_EQ(rpc_error_of(io, *third, get_self()), "406 AUTH_KEY_DUPLICATED");
  EXPECT_EQ(sim.server().world().max_live_sessions_per_key(), 2u);
  EXPECT_NE(sim.server().stats_json().find("\"max_live_sessions_per_key\":2"), std::string::npos);
  second->close();
  third->close();
}

api::upload::getFile file_part(std::int64_t id) { return sim::synthetic_file_request(id, 0, 4096); }

TEST(World, FileMigrateForFilesStoredOnAnotherDc) {
  SimFixture sim;
  asio::io_context io;
  auto c = sim.connect(io, plain_intermediate(), 2);
  const std::int64_t on_three = (std::int64_t{3} << 32) | (std::int64_t{1} << 40) | 77;
  const std::int64_t on_two = (std::int64_t{2} << 32) | (std::int64_t{1} << 40) | 77;
  EXPECT_EQ(rpc_error_of(io, *c, file_part(on_three)), "303 FILE_MIGRATE_3");
  EXPECT_EQ(rpc_error_of(io, *c, file_part(on_two)), "");
  EXPECT_EQ(rpc_error_of(io, *c, file_part(12345)), "") << "small ids are everywhere";
  EXPECT_EQ(rpc_error_of(io, *c, file_part(-12345)), "") << "so are negative ones";
  c->close();
}

api::InputChannel* input_channel(const sim::SeededChannel& c, std::int64_t hash_xor, tl::object_ptr<api::InputChannel>& slot) {
  auto in = std::make_unique<api::inputChannel>();
  in->channel_id = c.id;
  in->access_hash = c.access_hash ^ hash_xor;
  slot = std::move(in);
  return slot.get();
}

TEST(World, StatsMigrateToTheChannelsStatsDc) {
  SimFixture sim;
  asio::io_context io;
  const auto channel = sim::seeded_channels(sim.server().cluster())[1];  // channel 2: stats on DC 3
  ASSERT_EQ(channel.stats_dc, 3);
  auto home = logged_in(sim, io, kPhone, 2);
  api::channels::getFullChannel full;
  input_channel(channel, 0, full.channel);
  const auto answer = run(io, home->invoke(full, 10s));
  const auto& chat_full = dynamic_cast<const api::messages::chatFull&>(*answer);
  EXPECT_EQ(dynamic_cast<const api::channelFull&>(*chat_full.full_chat).stats_dc, 3);
  input_channel(channel, 1, full.channel);
  EXPECT_EQ(rpc_error_of(io, *home, full), "400 CHANNEL_INVALID");

  api::stats::getBroadcastStats stats;
  input_channel(channel, 0, stats.channel);
  EXPECT_EQ(rpc_error_of(io, *home, stats), "303 STATS_MIGRATE_3");
  const auto exported = run(io, home->invoke(export_to(3), 10s));
  auto on_three = sim.connect(io, plain_intermediate(), 3);
  EXPECT_EQ(rpc_error_of(io, *on_three, stats), "401 AUTH_KEY_UNREGISTERED");
  run(io, on_three->invoke(import_of(dynamic_cast<const api::auth::exportedAuthorization&>(*exported)), 10s));
  const auto result = run(io, on_three->invoke(stats, 10s));
  EXPECT_NE(dynamic_cast<const api::stats::broadcastStats*>(result.get()), nullptr);
  home->close();
  on_three->close();
}

}  // namespace
}  // namespace mtpipe

namespace mtpipe {
namespace {

using namespace testing;

TEST(World, PushedUpdatesReachTheUsersLiveSessions) {
  SimFixture sim;
  asio::io_context io;
  auto c = sim.dial(io, sim.options(plain_intermediate()));
  std::vector<std::vector<std::uint8_t>> updates;
  asio::steady_timer arrived(io, 20s);  // the test fails instead of hanging when nothing comes
  c->on_push([&](mtproto::Push p) {
    if (p.kind != mtproto::Push::Kind::update) return;
    updates.push_back(std::move(p.body));
    arrived.cancel();
  });
  run(io, c->start());
  const auto hash = code_hash(io, *c, kPhone);
  run(io, c->invoke(sign_in(kPhone, hash, "22222"), 10s));

  EXPECT_EQ(sim.server().world().push_update(kUser + 1, tl::serialize(api::updatesTooLong{})), 0u) << "nobody";
  EXPECT_EQ(sim.server().world().push_update(kUser, tl::serialize(api::updatesTooLong{})), 1u);
  run(io, [&]() -> asio::awaitable<void> {
    boost::system::error_code ec;
    if (updates.empty()) co_await arrived.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }());
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0], tl::serialize(api::updatesTooLong{}));
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "") << "the session goes on";
  c->close();
}

}  // namespace
}  // namespace mtpipe
