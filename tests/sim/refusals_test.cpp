// Negative tests: the sim misbehaves on purpose (its --fault hooks) and our client must refuse each case with
// the right reason and a clear error, without crashing or hanging.
#include <gtest/gtest.h>

#include "mtproto/error.h"
#include <boost/asio/detached.hpp>

#include "sim_fixture.h"
#include "tl/api.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::Refusal;
using mtproto::transport::Framing;
using testing::run;
namespace asio = boost::asio;

sim::SimOptions with_fault(const char* fault) {
  sim::SimOptions options;
  EXPECT_TRUE(sim::add_fault(options.faults, fault)) << fault;
  return options;
}

struct Case {
  const char* fault;
  Refusal refusal;
  bool in_handshake;
};

class ClientRefusesSim : public ::testing::TestWithParam<Case> {};

TEST_P(ClientRefusesSim, WithTheRightReason) {
  testing::SimFixture sim(with_fault(GetParam().fault));
  asio::io_context io;
  auto connection = sim.dial(io, sim.options({Framing::intermediate, false}));
  if (GetParam().in_handshake) {
    try {
      run(io, connection->start());
      FAIL() << "handshake accepted with fault " << GetParam().fault;
    } catch (const mtproto::ProtocolError& e) {
      EXPECT_EQ(e.refusal(), GetParam().refusal) << e.what();
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  } else {
    run(io, connection->start());
    try {
      run(io, connection->invoke(tl::api::help::getNearestDc{}, 10s));
      FAIL() << "answer accepted with fault " << GetParam().fault;
    } catch (const mtproto::CallError& e) {
      EXPECT_EQ(e.kind(), mtproto::CallError::Kind::refused) << e.what();
    }
    EXPECT_EQ(connection->refusal(), GetParam().refusal) << connection->close_reason();
  }
  EXPECT_FALSE(connection->open());
}

INSTANTIATE_TEST_SUITE_P(
    Faults, ClientRefusesSim,
    ::testing::Values(Case{"bad-dh-prime", Refusal::bad_dh_params, true}, Case{"bad-g", Refusal::bad_dh_params, true},
                      Case{"g-a-out-of-range", Refusal::bad_dh_value, true},
                      Case{"bad-inner-hash", Refusal::bad_hash, true}, Case{"wrong-nonce", Refusal::bad_nonce, true},
                      Case{"wrong-server-nonce", Refusal::bad_nonce, true},
                      Case{"bad-new-nonce-hash", Refusal::bad_hash, true},
                      Case{"dh-gen-fail", Refusal::dh_gen_fail, true},
                      Case{"bad-msg-key", Refusal::bad_msg_key, false},
                      Case{"wrong-session-id", Refusal::bad_session_id, false},
                      Case{"old-msg-id", Refusal::bad_msg_id, false},
                      Case{"foreign-auth-key-id", Refusal::bad_auth_key_id, false}),
    [](const auto& info) {
      std::string name = info.param.fault;
      for (auto& c : name)
        if (c == '-') c = '_';
      return name;
    });

// The sim sends every packet twice, the copy in the same write: the first copy was accepted and its answer
// reaches the call; the copy is refused and ends the connection.
TEST(ClientRefusesSim, AnAnswerAheadOfAReplayedPacketInTheSameReadIsDelivered) {
  testing::SimFixture sim(with_fault("replay-msg-id"));
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  const auto answer = run(io, connection->invoke(tl::api::help::getNearestDc{}, 10s));
  EXPECT_EQ(dynamic_cast<const tl::api::nearestDc&>(*answer).this_dc, 2);
  ASSERT_TRUE(testing::run_until(io, [&] { return !connection->open(); }));
  EXPECT_EQ(connection->refusal(), Refusal::replayed_msg_id) << connection->close_reason();
}

TEST(ClientRefusesSim, DhGenRetryOnceIsLivedThrough) {
  testing::SimFixture sim(with_fault("dh-gen-retry-once"));
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  const auto answer = run(io, connection->invoke(tl::api::help::getNearestDc{}, 10s));
  EXPECT_NE(answer, nullptr);
  connection->close();
}

TEST(ClientRefusesSim, TransportError404FailsTheCallWithItsMeaning) {
  testing::SimFixture sim(with_fault("transport-error-404"));
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  try {
    run(io, connection->invoke(tl::api::help::getNearestDc{}, 10s));
    FAIL();
  } catch (const mtproto::CallError& e) {
    EXPECT_EQ(e.kind(), mtproto::CallError::Kind::connection_lost);
    EXPECT_NE(std::string(e.what()).find("-404"), std::string::npos) << e.what();
  }
}

TEST(ClientRefusesSim, UnknownAuthKeyGets404) {
  testing::SimFixture sim;
  asio::io_context io;
  auto connection = sim.dial(io, sim.options({Framing::abridged, true}));
  run(io, connection->start(testing::made_up_key(0x4242424242424242ull, 0x42)));
  try {
    run(io, connection->invoke(tl::api::help::getNearestDc{}, 10s));
    FAIL();
  } catch (const mtproto::CallError& e) {
    EXPECT_NE(std::string(e.what()).find("-404"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mtpipe
