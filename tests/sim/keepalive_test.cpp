// Connections that stay alive and acknowledge, against the sim that enforces both as Telegram does: the client's
// ping_delay_disconnect keeps an idle connection open, a connection that stops pinging is closed by the sim, a
// path that dies silently is found by the pings, acks for pushed updates leave on a timer, and the sim re-sends
// a push that stays unacknowledged.
#include <gtest/gtest.h>

#include "../client/chaos_relay.h"
#include "world_helpers.h"

namespace mtpipe {
namespace {

using namespace testing;
using mtproto::CallError;
namespace mt = tl::mt;

constexpr std::int64_t kUser = 1'000'021'234;  // 9996621234, homed on DC 2
const std::string kPhone = "9996621234";

mtproto::KeepAliveOptions fast_pings(std::chrono::milliseconds interval, std::chrono::milliseconds pong_timeout,
                                     std::int32_t disconnect_delay_s = 75) {
  mtproto::KeepAliveOptions k;
  k.ping_interval = interval;
  k.pong_timeout = pong_timeout;
  k.disconnect_delay_s = disconnect_delay_s;
  return k;
}

// A connection to DC 2 logged in as kPhone, with `options` and the updates it receives counted.
struct LoggedIn {
  LoggedIn(SimFixture& sim, asio::io_context& io, mtproto::ConnectionOptions options)
      : connection(sim.dial(io, std::move(options))) {
    connection->on_push([this](mtproto::Push p) {
      if (p.kind == mtproto::Push::Kind::update) ++updates;
    });
    run(io, connection->start());
    const auto hash = code_hash(io, *connection, kPhone);
    run(io, connection->invoke(sign_in(kPhone, hash, "22222"), 10s));
  }
  std::shared_ptr<mtproto::Connection> connection;
  int updates = 0;
};

TEST(KeepAlive, AnIdleConnectionThatPingsOutlivesThreeDisconnectDelays) {
  SimFixture sim;
  asio::io_context io;
  auto o = sim.options(plain_intermediate());
  o.keepalive = fast_pings(100ms, 10s, 1);
  auto c = sim.dial(io, std::move(o));
  run(io, c->start());
  // The sim closes a connection 1 s after its last ping; 35 pings at least 100 ms apart span more than 3 s.
  ASSERT_TRUE(run_until(io, [&] { return c->stats().keepalive_pings >= 35 || !c->open(); }));
  EXPECT_TRUE(c->open()) << c->close_reason();
  EXPECT_EQ(sim.server().dc(1).stats.ping_timeouts.load(), 0u);
  const auto answer = run(io, c->invoke(api::help::getNearestDc{}, 10s));
  EXPECT_EQ(dynamic_cast<const api::nearestDc&>(*answer).this_dc, 2);
  c->close();
}

TEST(KeepAlive, TheSimClosesAConnectionThatStopsPinging) {
  SimFixture sim;
  asio::io_context io;
  auto o = sim.options(plain_intermediate());
  o.keepalive.ping_interval = 0ms;  // one ping by hand, then silence
  auto c = sim.dial(io, std::move(o));
  run(io, c->start());
  mt::ping_delay_disconnect ping;
  ping.ping_id = 7;
  ping.disconnect_delay = 1;
  EXPECT_EQ(tl::parse_boxed<mt::pong>(run(io, c->call(tl::serialize(ping), 10s))).ping_id, 7);
  ASSERT_TRUE(run_until(io, [&] { return !c->open(); }));
  EXPECT_FALSE(c->refusal()) << c->close_reason();
  EXPECT_EQ(sim.server().dc(1).stats.ping_timeouts.load(), 1u);
}

TEST(KeepAlive, APathThatDiesSilentlyIsFoundByThePings) {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay(io, sim.port(2));
  auto o = sim.options(plain_intermediate());
  o.keepalive = fast_pings(100ms, 300ms);
  auto c = sim.dial_port(io, std::move(o), relay.port());
  run(io, c->start());
  run(io, c->invoke(api::help::getNearestDc{}, 10s));
  relay.silence_open();
  std::optional<CallError::Kind> outcome;
  asio::co_spawn(io, c->invoke(api::help::getNearestDc{}, 1h),
                 [&](std::exception_ptr e, auto) { outcome = call_error_kind(e); });
  ASSERT_TRUE(run_until(io, [&] { return outcome.has_value(); }));
  EXPECT_EQ(outcome, CallError::Kind::connection_lost);
  EXPECT_FALSE(c->open());
  EXPECT_NE(c->close_reason().find("keep-alive ping"), std::string::npos) << c->close_reason();
}

TEST(KeepAlive, PushedUpdatesAreAcknowledgedWithoutAQuery) {
  sim::SimOptions options;
  options.push_ack_late_after_ms = 5'000;  // ten times past the ack timer below even on a loaded machine
  SimFixture sim(std::move(options));
  asio::io_context io;
  auto o = sim.options(plain_intermediate());
  o.ack_delay = 50ms;
  LoggedIn a(sim, io, std::move(o));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(sim.server().world().push_update(kUser, tl::serialize(api::updatesTooLong{})), 1u);
  // Nothing is asked of the connection: the acks can only leave on its timer.
  ASSERT_TRUE(run_until(io, [&] { return sim.server().world().push_acks().acked >= 3; }))
      << sim.server().stats_json();
  const auto acks = sim.server().world().push_acks();
  EXPECT_EQ(acks.pushed, 3u);
  EXPECT_EQ(acks.late, 0u);
  EXPECT_EQ(acks.resent, 0u);
  EXPECT_EQ(a.updates, 3);
  EXPECT_NE(sim.server().stats_json().find("\"late\":0"), std::string::npos) << sim.server().stats_json();
  a.connection->close();
}

TEST(KeepAlive, TheSimResendsAnUnacknowledgedPushUnderItsMsgId) {
  sim::SimOptions options;
  options.push_resend_after_ms = 100;
  options.push_ack_late_after_ms = 100;
  SimFixture sim(std::move(options));
  asio::io_context io;
  auto o = sim.options(plain_intermediate());
  o.ack_delay = 0ms;  // acks leave only with a query: the push stays unacknowledged
  LoggedIn a(sim, io, std::move(o));
  ASSERT_EQ(sim.server().world().push_update(kUser, tl::serialize(api::updatesTooLong{})), 1u);
  ASSERT_TRUE(run_until(io, [&] { return sim.server().world().push_acks().resent >= 2 || !a.connection->open(); }));
  // The copies came under the msg_id of the first sending: the client took them for what they are.
  EXPECT_TRUE(a.connection->open()) << a.connection->close_reason();
  EXPECT_EQ(a.updates, 1);
  EXPECT_GE(sim.server().world().push_acks().late, 1u);
  // A query carries the ack at last.
  EXPECT_EQ(rpc_error_of(io, *a.connection, get_self()), "");
  ASSERT_TRUE(run_until(io, [&] { return sim.server().world().push_acks().acked >= 1; }));
  EXPECT_EQ(a.updates, 1);
  a.connection->close();
}

}  // namespace
}  // namespace mtpipe
