// Perfect forward secrecy against the sim: a temporary key bound to the permanent one with
// auth.bindTempAuthKey, and what an unbound or wrongly bound temporary key gets.
#include <gtest/gtest.h>

#include "sim/synthetic_file.h"
#include "sim_fixture.h"
#include "tl/api.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::CallError;
using mtproto::transport::Framing;
using testing::run;
namespace asio = boost::asio;
namespace api = tl::api;

mtproto::AuthKey permanent_key(testing::SimFixture& sim, asio::io_context& io) {
  auto connection = sim.connect(io, {Framing::intermediate, false});
  const auto key = connection->session()->key();
  connection->close();
  return key;
}

TEST(Pfs, TemporaryKeyBoundToThePermanentOneServesCalls) {
  testing::SimFixture sim;
  asio::io_context io;
  auto o = sim.options({Framing::intermediate, false});
  o.pfs = mtproto::PfsOptions{permanent_key(sim, io), 3600};
  auto connection = sim.dial(io, std::move(o));
  const auto temp = run(io, connection->start());
  EXPECT_TRUE(temp.temporary);
  EXPECT_GT(temp.expires_at, 0);
  const auto answer = run(io, connection->invoke(sim::synthetic_file_request(0, 0, 4096), 10s));
  EXPECT_NE(dynamic_cast<const api::upload::file*>(answer.get()), nullptr);
  EXPECT_EQ(sim.server().dc(1).stats.handshakes.load(), 2u) << "one permanent and one temporary key";
  connection->close();
}

TEST(Pfs, UnboundTemporaryKeyGetsAuthKeyPermEmpty) {
  testing::SimFixture sim;
  asio::io_context io;
  auto o = sim.options({Framing::intermediate, false});
  o.handshake.expires_in = 3600;  // a temporary key, never bound
  auto connection = sim.dial(io, std::move(o));
  run(io, connection->start());
  try {
    run(io, connection->invoke(sim::synthetic_file_request(0, 0, 4096), 10s));
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.rpc_code(), 401);
    EXPECT_EQ(e.rpc_message(), "AUTH_KEY_PERM_EMPTY");
  }
  connection->close();
}

TEST(Pfs, BindingToAKeyTheServerDoesNotKnowIsRefused) {
  testing::SimFixture sim;
  asio::io_context io;
  auto o = sim.options({Framing::intermediate, false});
  mtproto::AuthKey unknown;
  unknown.bytes.fill(7);
  unknown.id = 77;
  o.pfs = mtproto::PfsOptions{unknown, 3600};
  auto connection = sim.dial(io, std::move(o));
  try {
    run(io, connection->start());
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.rpc_message(), "ENCRYPTED_MESSAGE_INVALID") << e.what();
  }
}

}  // namespace
}  // namespace mtpipe
