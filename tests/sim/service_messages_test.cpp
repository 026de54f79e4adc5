// Service messages against the sim through our client: ping and ping_delay_disconnect (raw pong),
// get_future_salts, msgs_state_req, destroy_session; and the sim holding thousands of connections.
#include <gtest/gtest.h>

#include "obs/fd_limit.h"
#include "sim_fixture.h"
#include "tl/api.h"
#include "tl/serialize.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::transport::Framing;
using testing::run;
namespace asio = boost::asio;
namespace mt = tl::mt;

template <class T>
T call_raw(asio::io_context& io, mtproto::Connection& c, const tl::Object& query) {
  return tl::parse_boxed<T>(run(io, c.call(tl::serialize(query), 10s)));
}

TEST(ServiceMessages, PingsGetRawPongs) {
  testing::SimFixture sim;
  asio::io_context io;
  auto c = sim.connect(io, {Framing::intermediate, false});
  mt::ping ping;
  ping.ping_id = 123;
  EXPECT_EQ(call_raw<mt::pong>(io, *c, ping).ping_id, 123);
  mt::ping_delay_disconnect delayed;
  delayed.ping_id = 456;
  delayed.disconnect_delay = 75;
  EXPECT_EQ(call_raw<mt::pong>(io, *c, delayed).ping_id, 456);
  c->close();
}

TEST(ServiceMessages, FutureSaltsCoverTheComingPeriods) {
  testing::SimFixture sim;
  asio::io_context io;
  auto c = sim.connect(io, {Framing::intermediate, false});
  mt::get_future_salts req;
  req.num = 3;
  const auto salts = call_raw<mt::future_salts>(io, *c, req);
  ASSERT_EQ(salts.salts.size(), 3u);
  EXPECT_LE(salts.salts[0].valid_since, salts.now);
  EXPECT_GT(salts.salts[0].valid_until, salts.now);
  EXPECT_EQ(salts.salts[1].valid_since, salts.salts[0].valid_until);
  c->close();
}

TEST(ServiceMessages, MsgsStateReqReportsWhatTheServerReceived) {
  testing::SimFixture sim;
  asio::io_context io;
  auto c = sim.connect(io, {Framing::intermediate, false});
  mt::msgs_state_req req;
  req.msg_ids = {4, std::numeric_limits<std::int64_t>::max() - 3};  // far too low, far too high
  const auto info = call_raw<mt::msgs_state_info>(io, *c, req);
  ASSERT_EQ(info.info.size(), 2u);
  EXPECT_EQ(info.info[0], 1) << "unknown: below what the server remembers";
  EXPECT_EQ(info.info[1], 3) << "not received, id too high";
  c->close();
}

TEST(ServiceMessages, DestroySessionEndsAnotherSessionOfTheSameKey) {
  testing::SimFixture sim;
  asio::io_context io;
  auto first = sim.connect(io, {Framing::intermediate, false});
  run(io, first->invoke(tl::api::help::getNearestDc{}, 10s));  // the server knows a session once it is used
  const auto old_session = first->session()->session_id();
  auto second = sim.dial(io, sim.options({Framing::intermediate, false}));
  run(io, second->start(first->session()->resume_state()));
  mt::destroy_session req;
  req.session_id = old_session;
  EXPECT_EQ(call_raw<mt::destroy_session_ok>(io, *second, req).session_id, old_session);
  req.session_id = 42;
  EXPECT_EQ(call_raw<mt::destroy_session_none>(io, *second, req).session_id, 42);
  first->close();
  second->close();
}

TEST(SimCapacity, HoldsThousandsOfConnections) {
  obs::raise_open_file_limit();
  testing::SimFixture sim;
  asio::io_context io;
  auto seed = sim.connect(io, {Framing::abridged, false});
  const auto key = seed->session()->resume_state();
  constexpr int kConnections = 2000;
  std::vector<std::shared_ptr<mtproto::Connection>> held;
  for (int i = 0; i < kConnections; ++i) {
    auto c = sim.dial(io, sim.options({i % 2 ? Framing::intermediate : Framing::abridged, i % 3 == 0}));
    run(io, c->start(key));  // one auth key, a session per connection: no handshake cost
    held.push_back(std::move(c));
  }
  int answered = 0;
  for (auto& c : held) {
    const auto answer = run(io, c->invoke(tl::api::help::getNearestDc{}, 30s));
    if (dynamic_cast<const tl::api::nearestDc*>(answer.get()) != nullptr) ++answered;
  }
  EXPECT_EQ(answered, kConnections);
  EXPECT_EQ(sim.server().dc(1).stats.open_connections.load(), static_cast<std::uint64_t>(kConnections + 1));
  for (auto& c : held) c->close();
  seed->close();
}

}  // namespace
}  // namespace mtpipe
