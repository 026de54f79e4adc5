// Our client core against the sim over every transport: handshakes, typed calls, file parts checked byte by
// byte, salt changes lived through, and batching of concurrent calls.
#include <gtest/gtest.h>

#include "sim/synthetic_file.h"
#include <boost/asio/detached.hpp>

#include "sim_fixture.h"
#include "tl/api.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::transport::Framing;
using mtproto::transport::TransportSpec;
using testing::run;
namespace asio = boost::asio;
namespace api = tl::api;

sim::SimOptions rotating_salts() {
  sim::SimOptions o;
  o.salt_rotate_after = 50;
  return o;
}

class EveryTransport : public ::testing::TestWithParam<TransportSpec> {};

TEST_P(EveryTransport, HandshakeCallsAndFilePartsWithSaltChanges) {
  testing::SimFixture sim(rotating_salts());
  asio::io_context io;
  auto connection = sim.connect(io, GetParam());
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 300; ++i) {
      const auto answer = co_await connection->invoke(api::help::getNearestDc{}, 10s);
      const auto* dc = dynamic_cast<const api::nearestDc*>(answer.get());
      EXPECT_NE(dc, nullptr);
      if (dc == nullptr) co_return;
      EXPECT_EQ(dc->this_dc, 2);
      EXPECT_EQ(dc->country, "ZZ");
    }
    for (int part = 0; part < 40; ++part) {
      const std::int64_t document = -1234567 + part % 3;  // negative ids read as unsigned, as docs/SIM.md says
      const std::int64_t offset = (part % 64) * 128 * 1024;
      const auto answer = co_await connection->invoke(sim::synthetic_file_request(document, offset, 128 * 1024), 10s);
      const auto* file = dynamic_cast<const api::upload::file*>(answer.get());
      EXPECT_NE(file, nullptr);
      if (file == nullptr) co_return;
      EXPECT_EQ(file->bytes.size(), 128u * 1024);
      EXPECT_TRUE(sim::is_synthetic_file_part(static_cast<std::uint64_t>(document), static_cast<std::uint64_t>(offset),
                                              file->bytes))
          << "part " << part;
    }
  }());
  EXPECT_TRUE(connection->open()) << connection->close_reason();
  EXPECT_GE(connection->stats().session.bad_server_salts, 6u) << "the sim changed salts every 50 queries";
  EXPECT_EQ(sim.server().dc(1).stats.queries.load(), 340u) << "no query was executed twice";
  connection->close();
}

INSTANTIATE_TEST_SUITE_P(Transports, EveryTransport,
                         ::testing::Values(TransportSpec{Framing::abridged, false},
                                           TransportSpec{Framing::intermediate, false},
                                           TransportSpec{Framing::padded_intermediate, false},
                                           TransportSpec{Framing::full, false},
                                           TransportSpec{Framing::abridged, true},
                                           TransportSpec{Framing::intermediate, true},
                                           TransportSpec{Framing::padded_intermediate, true}),
                         [](const auto& info) {
                           std::string name = mtproto::transport::to_string(info.param);
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(ClientAgainstSim, HundredConcurrentCallsShareContainers) {
  testing::SimFixture sim;
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  const auto packets_before = connection->stats().session.packets_sent;
  int answered = 0, finished = 0;
  for (int i = 0; i < 100; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      const auto answer = co_await connection->invoke(api::help::getNearestDc{}, 10s);
      if (dynamic_cast<const api::nearestDc*>(answer.get()) != nullptr) ++answered;
      if (++finished == 100) io.stop();
    }, asio::detached);
  }
  io.restart();
  io.run_for(30s);
  EXPECT_EQ(answered, 100);
  EXPECT_LT(connection->stats().session.packets_sent - packets_before, 10u)
      << "calls issued together go out together";
  connection->close();
}

TEST(ClientAgainstSim, QuickAcksComeBackForEveryPacketThatAskedForOne) {
  testing::SimFixture sim;
  for (const TransportSpec spec : {TransportSpec{Framing::abridged, false}, TransportSpec{Framing::intermediate, true},
                                   TransportSpec{Framing::padded_intermediate, false}}) {
    asio::io_context io;
    auto o = sim.options(spec);
    o.request_quick_acks = true;
    auto connection = sim.dial(io, std::move(o));
    run(io, connection->start());
    for (int i = 0; i < 20; ++i) run(io, connection->invoke(api::help::getNearestDc{}, 10s));
    const auto& stats = connection->stats();
    EXPECT_GE(stats.quick_acks_requested, 20u) << mtproto::transport::to_string(spec);
    // A quick ack is sent before the answer, so every packet that carried a call has been confirmed.
    EXPECT_GE(stats.quick_acks_received, 20u) << mtproto::transport::to_string(spec);
    connection->close();
  }
}

TEST(ClientAgainstSim, ErrorsComeBackAsRpcErrorsWithTheServersText) {
  testing::SimFixture sim;
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  try {
    api::users::getUsers req;
    req.id.push_back(std::make_unique<api::inputUserSelf>());
    run(io, [&]() -> asio::awaitable<void> { co_await connection->invoke(req, 10s); }());
    FAIL() << "a key that is not logged in must get 401";
  } catch (const mtproto::CallError& e) {
    EXPECT_EQ(e.kind(), mtproto::CallError::Kind::rpc_error);
    EXPECT_EQ(e.rpc_code(), 401);
    EXPECT_EQ(e.rpc_message(), "AUTH_KEY_UNREGISTERED");
  }
  EXPECT_TRUE(connection->open()) << "an RPC error is not a connection problem";
  connection->close();
}

TEST(ClientAgainstSim, WrappersAreUnwrappedAndTheLayerIsRemembered) {
  testing::SimFixture sim;
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::intermediate, false});
  api::invokeWithLayer with_layer;
  with_layer.layer = 144;
  auto init = std::make_unique<api::initConnection>();
  init->api_id = 1;
  init->device_model = "test";
  init->system_version = "1";
  init->app_version = "1";
  init->system_lang_code = "en";
  init->lang_code = "en";
  init->query = std::make_unique<api::help::getConfig>();
  with_layer.query = std::move(init);
  const auto answer = run(io, connection->call(tl::serialize(with_layer), 10s));
  std::uint32_t ctor;
  std::memcpy(&ctor, answer.data(), 4);
  EXPECT_EQ(ctor, 0x330b4067u) << "layer 144 gets the layer-144 config";
  const auto again = run(io, connection->call(tl::serialize(api::help::getConfig{}), 10s));
  std::memcpy(&ctor, again.data(), 4);
  EXPECT_EQ(ctor, 0x330b4067u) << "the layer stays with the auth key without another invokeWithLayer";
  connection->close();
}

TEST(ClientAgainstSim, ConfigListsEveryDcOfTheCluster) {
  testing::SimFixture sim;
  asio::io_context io;
  auto connection = sim.connect(io, {Framing::abridged, false}, 3);
  const auto answer = run(io, connection->invoke(api::help::getConfig{}, 10s));
  const auto* config = dynamic_cast<const api::config*>(answer.get());
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->this_dc, 3);
  ASSERT_EQ(config->dc_options.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto* option = dynamic_cast<const api::dcOption*>(config->dc_options[i].get());
    ASSERT_NE(option, nullptr);
    EXPECT_EQ(option->id, static_cast<std::int32_t>(i + 1));
    EXPECT_EQ(option->port, sim.port(option->id));
  }
  EXPECT_GT(config->expires, config->date);
  connection->close();
}

}  // namespace
}  // namespace mtpipe
