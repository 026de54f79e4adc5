// The client connection's own guarantees: every call ends (answer, error, timeout or cancellation), a silent
// server cannot hang a handshake, and a key made on one connection serves the next.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "async/cancelled.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/transport/server_codec.h"
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

// A TCP server that accepts and reads, and never answers.
struct SilentServer {
  explicit SilentServer(asio::io_context& io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}), socket(io) {
    acceptor.async_accept(socket, [this](boost::system::error_code ec) {
      if (!ec) drain();
    });
  }
  void drain() {
    socket.async_read_some(asio::buffer(buffer), [this](boost::system::error_code ec, std::size_t) {
      if (!ec) drain();
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;
  std::array<char, 4096> buffer{};
};

std::shared_ptr<mtproto::Connection> to_silent(asio::io_context& io, const SilentServer& silent,
                                               mtproto::ConnectionOptions o) {
  auto socket = run(io, net::dial(io.get_executor(), {"127.0.0.1", silent.port()}, 5s));
  return mtproto::Connection::create(std::move(socket), std::move(o), crypto::system_rng(), mtproto::system_clock());
}

// A connection to the silent server, started with a made-up key: calls go out and nothing ever answers.
std::shared_ptr<mtproto::Connection> started_on_silent(asio::io_context& io, const SilentServer& silent,
                                                       const testing::SimFixture& sim, std::uint64_t key_id) {
  auto connection = to_silent(io, silent, sim.options({Framing::intermediate, false}));
  run(io, connection->start(testing::made_up_key(key_id)));
  return connection;
}

// A DC that makes keys on the test's own event loop and, before its last answer (dh_gen_ok), stalls that loop until
// `stall_until`: when the loop runs again, the client's last handshake step and its watchdog's deadline are
// ready in the same turn.
struct StallingHandshakeServer {
  explicit StallingHandshakeServer(asio::io_context& io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io, serve(), asio::detached);
  }
  asio::awaitable<void> serve() {
    auto socket = co_await acceptor.async_accept(asio::use_awaitable);
    mtproto::transport::ServerCodec codec(crypto::system_rng());
    mtproto::handshake::ServerHandshake handshake(
        std::make_shared<const mtproto::handshake::ServerConfig>(std::vector{testing::sim_key()}, 2, false),
        crypto::system_rng(), mtproto::system_clock());
    std::vector<std::uint8_t> buffer(16 * 1024), out;
    std::vector<mtproto::transport::Inbound> inbound;
    for (;;) {
      boost::system::error_code ec;
      const auto n = co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      inbound.clear();
      codec.feed({buffer.data(), n}, inbound);
      for (const auto& in : inbound) {
        const auto reply = handshake.on_packet(in.payload);
        out.clear();
        codec.encode(reply.packet, out);
        // The stall is the fault under test (a loop too busy to see a timer in time), not a wait for anything.
        if (reply.kind == mtproto::handshake::ServerReply::Kind::done) std::this_thread::sleep_until(stall_until);
        asio::write(socket, asio::buffer(out));  // blocking: the bytes wait in the client's socket
      }
    }
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  asio::ip::tcp::acceptor acceptor;
  std::chrono::steady_clock::time_point stall_until;
};

TEST(Connection, AHandshakeDeadlineDueInTheTurnOfItsLastStepLeavesTheConnectionAlone) {
  asio::io_context io;
  StallingHandshakeServer server(io);
  mtproto::ConnectionOptions o;
  o.transport = {Framing::intermediate, false};
  o.handshake.server_keys.push_back(testing::sim_key().public_key());
  o.handshake.dc = 2;
  o.handshake_timeout = 3s;  // room for the steps before the last one, even on a slow machine
  auto socket = run(io, net::dial(io.get_executor(), {"127.0.0.1", server.port()}, 5s));
  auto connection = mtproto::Connection::create(std::move(socket), o, crypto::system_rng(), mtproto::system_clock());
  server.stall_until = std::chrono::steady_clock::now() + o.handshake_timeout + 200ms;
  run(io, connection->start());
  io.restart();
  io.poll();  // whatever else was ready in that turn (the watchdog's handler) runs now
  EXPECT_TRUE(connection->open()) << connection->close_reason();
  connection->close();
}

TEST(Connection, HandshakeWithASilentServerEndsAtItsTimeout) {
  testing::SimFixture sim;
  asio::io_context io;
  SilentServer silent(io);
  auto o = sim.options({Framing::intermediate, false});
  o.handshake_timeout = 200ms;
  auto connection = to_silent(io, silent, std::move(o));
  try {
    run(io, connection->start());
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.kind(), CallError::Kind::timeout) << e.what();
  }
  EXPECT_FALSE(connection->open());
}

TEST(Connection, UnansweredCallTimesOutAndTheConnectionStaysUsable) {
  testing::SimFixture sim;
  asio::io_context io;
  SilentServer silent(io);
  auto connection = started_on_silent(io, silent, sim, 1);
  try {
    run(io, connection->invoke(api::help::getNearestDc{}, 50ms));
    FAIL();
  } catch (const CallError& e) {
    EXPECT_EQ(e.kind(), CallError::Kind::timeout);
  }
  EXPECT_TRUE(connection->open());
  EXPECT_EQ(connection->session()->in_flight(), 0u) << "the timed-out query is forgotten";
  connection->close();
}

TEST(Connection, CancelledCallEndsAtOnce) {
  testing::SimFixture sim;
  asio::io_context io;
  SilentServer silent(io);
  auto connection = started_on_silent(io, silent, sim, 2);
  asio::cancellation_signal cancel;
  std::exception_ptr outcome;
  asio::co_spawn(io, connection->invoke(api::help::getNearestDc{}, 1h),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, auto) {
                   outcome = e;
                   io.stop();
                 }));
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  io.restart();
  io.run_for(10s);
  EXPECT_TRUE(async::is_cancellation(outcome));
  EXPECT_EQ(connection->session()->in_flight(), 0u) << "the cancelled query is forgotten";
  connection->close();
}

TEST(Connection, ClosingFailsEveryWaitingCall) {
  testing::SimFixture sim;
  asio::io_context io;
  SilentServer silent(io);
  auto connection = started_on_silent(io, silent, sim, 3);
  int lost = 0, finished = 0;
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(io, connection->invoke(api::help::getNearestDc{}, 1h), [&](std::exception_ptr e, auto) {
      if (testing::call_error_kind(e) == CallError::Kind::connection_lost) ++lost;
      if (++finished == 5) io.stop();
    });
  asio::post(io, [&] { connection->close("test closes"); });
  io.restart();
  io.run_for(10s);
  EXPECT_EQ(lost, 5);
  EXPECT_EQ(connection->close_reason(), "test closes");
}

TEST(Connection, KeyFromOneConnectionServesTheNext) {
  testing::SimFixture sim;
  asio::io_context io;
  auto first = sim.connect(io, {Framing::full, false});
  run(io, first->invoke(api::help::getNearestDc{}, 10s));
  const auto kept = first->session()->resume_state();
  first->close();
  auto second = sim.dial(io, sim.options({Framing::abridged, true}));
  run(io, second->start(kept));
  EXPECT_EQ(second->stats().handshake_attempts, 0);
  const auto answer = run(io, second->invoke(api::help::getNearestDc{}, 10s));
  EXPECT_NE(dynamic_cast<const api::nearestDc*>(answer.get()), nullptr);
  EXPECT_EQ(sim.server().dc(1).stats.handshakes.load(), 1u);
  second->close();
}

}  // namespace
}  // namespace mtpipe
