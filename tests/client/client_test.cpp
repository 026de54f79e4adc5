// The account Client against the in-process sim: DC links, saved keys, re-sends after lost connections,
// timeouts, cancellation.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "../net/socks5_test_server.h"
#include "chaos_relay.h"
#include "async/cancelled.h"
#include "net/proxy_url.h"
#include "client_fixture.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

namespace api = tl::api;
using client::Client;

std::int32_t nearest_dc_this(asio::io_context& io, Client& client, client::CallOptions options = {}) {
  return run(io, [&]() -> asio::awaitable<std::int32_t> {
    const auto answer = co_await client.invoke(api::help::getNearestDc{}, options);
    co_return dynamic_cast<const api::nearestDc&>(*answer).this_dc;
  }());
}

std::uint64_t handshakes(SimFixture& sim) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < sim.server().cluster().dcs.size(); ++i) n += sim.server().dc(i).stats.handshakes;
  return n;
}

TEST(Client, CallsTheHomeDcAndSavesTheNewKey) {
  SimFixture sim;
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  int saves = 0;
  std::optional<client::SessionData> saved;
  client.on_session_changed([&](const client::SessionData& s) {
    ++saves;
    saved = s;
  });
  EXPECT_EQ(nearest_dc_this(io, client), 2);
  EXPECT_EQ(client.stats().handshakes, 1u);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->home_dc, 2);
  ASSERT_EQ(saved->dcs.count(2), 1u);
  EXPECT_NE(saved->dcs.at(2).key.id, 0u);
  EXPECT_FALSE(saved->dcs.at(2).authorized);
  EXPECT_GE(saves, 1);
}

TEST(Client, ARestartReusesTheSavedKeyWithoutAHandshake) {
  SimFixture sim;
  asio::io_context io;
  client::SessionData saved;
  {
    Client first(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
    EXPECT_EQ(nearest_dc_this(io, first), 2);
    saved = first.session();
  }
  const auto before = handshakes(sim);
  Client second(io.get_executor(), client_options(sim), saved, crypto::system_rng(), mtproto::system_clock());
  EXPECT_EQ(nearest_dc_this(io, second), 2);
  EXPECT_EQ(second.stats().handshakes, 0u);
  EXPECT_EQ(handshakes(sim), before);
}

// A sim that lost its state (restarted) answers our saved key with -404: a key that was not logged in is
// replaced by a new handshake, and the request is answered.
TEST(Client, AKeyTheServerForgotIsReplacedWhenNotLoggedIn) {
  client::SessionData saved;
  {
    SimFixture first;
    asio::io_context io;
    Client client(io.get_executor(), client_options(first), {}, crypto::system_rng(), mtproto::system_clock());
    EXPECT_EQ(nearest_dc_this(io, client), 2);
    saved = client.session();
  }
  SimFixture second;
  asio::io_context io;
  Client client(io.get_executor(), client_options(second), saved, crypto::system_rng(), mtproto::system_clock());
  EXPECT_EQ(nearest_dc_this(io, client), 2);
  EXPECT_EQ(client.stats().handshakes, 1u);
  EXPECT_NE(client.session().dcs.at(2).key.id, saved.dcs.at(2).key.id);
}

TEST(Client, ARequestForAnotherDcOpensALinkThere) {
  SimFixture sim;
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  client::CallOptions on3;
  on3.dc = 3;
  EXPECT_EQ(nearest_dc_this(io, client, on3), 3);
  EXPECT_EQ(nearest_dc_this(io, client), 2);
  const auto session = client.session();
  EXPECT_EQ(session.dcs.count(2), 1u);
  EXPECT_EQ(session.dcs.count(3), 1u);
  EXPECT_EQ(session.home_dc, 2);
}

// Ten requests in flight when the connection dies: each is re-sent on a new connection and answered.
// An account on DC 2 reached through a ChaosRelay, with one request answered (so its connection is up).
struct RelayedAccount {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay{io, sim.port(2)};
  Client client{io.get_executor(), client_options(sim, {{2, relay.port()}}), {}, crypto::system_rng(),
                mtproto::system_clock()};
  RelayedAccount() { EXPECT_EQ(nearest_dc_this(io, client), 2); }
};

TEST(Client, RequestsInFlightAreResentAfterTheConnectionDies) {
  RelayedAccount a;
  a.relay.set_mode(ChaosRelay::Mode::kill_next_answer);
  int answered = 0;
  run_all(a.io, 10, [&]() -> asio::awaitable<void> {
    const auto answer = co_await a.client.invoke(api::help::getNearestDc{});
    if (dynamic_cast<const api::nearestDc&>(*answer).this_dc == 2) ++answered;
  });
  EXPECT_EQ(a.relay.kills(), 1);
  EXPECT_EQ(answered, 10);
  EXPECT_GE(a.client.stats().resent_after_reconnect, 1u);
  EXPECT_EQ(a.relay.accepted(), 2);
}

TEST(Client, ARequestThatMustNotRunTwiceFailsWhenItsConnectionDies) {
  RelayedAccount a;
  a.relay.set_mode(ChaosRelay::Mode::kill_next_answer);
  client::CallOptions once;
  once.resend_after_reconnect = false;
  const auto error = run_catching(a.io, [&]() -> asio::awaitable<void> {
    (void)co_await a.client.invoke(api::help::getNearestDc{}, once);
  }());
  EXPECT_EQ(call_error_kind(error), mtproto::CallError::Kind::connection_lost);
  // The account is not stuck: the next request reconnects.
  EXPECT_EQ(nearest_dc_this(a.io, a.client), 2);
}

// The path to the DC dies without a FIN (the relay keeps both sockets open and drops every byte): the keep-alive
// pings find the connection dead, the request waiting on it is re-sent on a new connection and answered.
TEST(Client, AConnectionWhosePathDiesSilentlyIsReplaced) {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay(io, sim.port(2));
  auto options = client_options(sim, {{2, relay.port()}});
  options.keepalive.ping_interval = std::chrono::milliseconds(100);
  options.keepalive.pong_timeout = std::chrono::milliseconds(300);
  Client client(io.get_executor(), options, {}, crypto::system_rng(), mtproto::system_clock());
  EXPECT_EQ(nearest_dc_this(io, client), 2);
  relay.silence_open();
  EXPECT_EQ(nearest_dc_this(io, client), 2);  // well within the request timeout of 20 s
  EXPECT_EQ(relay.accepted(), 2);
  EXPECT_EQ(client.stats().resent_after_reconnect, 1u);
}

// Marking the login needs the home DC's key; without one, no entry is made (it would be a key of zeros that the
// next connection used and the session file kept).
TEST(Client, ALoginWithoutAHomeKeyAddsNoKeylessDc) {
  SimFixture sim;
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  std::optional<client::SessionData> saved;
  client.on_session_changed([&](const client::SessionData& s) { saved = s; });
  client.set_logged_in(1'000'021'234, false);
  ASSERT_TRUE(saved);
  EXPECT_TRUE(saved->dcs.empty());
  EXPECT_TRUE(client.session().dcs.empty());
  EXPECT_TRUE(client.session().logged_in());
}

TEST(Client, ADcThatNeverAnswersFailsTheRequestAtItsTimeout) {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay(io, sim.port(2));
  relay.set_mode(ChaosRelay::Mode::blackhole);
  auto options = client_options(sim, {{2, relay.port()}});
  options.connect_timeout = std::chrono::milliseconds(300);
  Client client(io.get_executor(), options, {}, crypto::system_rng(), mtproto::system_clock());
  client::CallOptions quick;
  quick.timeout = std::chrono::milliseconds(1500);
  const auto error = run_catching(io, [&]() -> asio::awaitable<void> {
    (void)co_await client.invoke(api::help::getNearestDc{}, quick);
  }());
  ASSERT_TRUE(error);
  // Either the handshake attempts kept failing (connection_lost after the retry budget) or the deadline came.
  const auto rpc = rpc_error_kind(error);
  const auto call = call_error_kind(error);
  EXPECT_TRUE(rpc == client::RpcErrorKind::timeout || call == mtproto::CallError::Kind::connection_lost);
  EXPECT_GE(client.stats().connect_failures, 1u);
}

TEST(Client, ADeadPortIsRetriedWithBackoffAndFailsCleanly) {
  SimFixture sim;
  asio::io_context io;
  std::uint16_t dead_port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    dead_port = probe.local_endpoint().port();
  }
  Client client(io.get_executor(), client_options(sim, {{2, dead_port}}), {}, crypto::system_rng(),
                mtproto::system_clock());
  const auto error = run_catching(io, [&]() -> asio::awaitable<void> {
    (void)co_await client.invoke(api::help::getNearestDc{});
  }());
  EXPECT_EQ(call_error_kind(error), mtproto::CallError::Kind::connection_lost);
  EXPECT_EQ(client.stats().connect_failures, static_cast<std::uint64_t>(client_options(sim).retry_max + 1));
}

TEST(Client, ACancelledRequestEndsWithCancelled) {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay(io, sim.port(2));
  relay.set_mode(ChaosRelay::Mode::blackhole);  // the handshake never finishes: the call waits for a connection
  Client client(io.get_executor(), client_options(sim, {{2, relay.port()}}), {}, crypto::system_rng(),
                mtproto::system_clock());
  asio::cancellation_signal cancel;
  std::exception_ptr error;
  bool finished = false;
  // A named lambda: the coroutine reads its captures after co_spawn returns.
  const auto call = [&]() -> asio::awaitable<void> {
    const api::help::getNearestDc get;
    (void)co_await client.invoke(get);
  };
  asio::co_spawn(io, call(), asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
    error = e;
    finished = true;
    io.stop();
  }));
  // Handlers run in the order posted: the call starts and suspends before the cancellation is emitted.
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  ASSERT_TRUE(finished);
  EXPECT_TRUE(async::is_cancellation(error));
}

// Counts what the client reports about its connection attempts (a direct connection, no proxy).
struct RecordingProxySource : client::ProxySource {
  Choice choose() override { return {}; }
  void succeeded(std::size_t) override { ++successes; }
  bool failed(std::size_t, const net::DialError&) override {
    ++failures;
    return false;
  }
  int successes = 0, failures = 0;
};

// Closing the client ends an attempt under way (here a handshake that would wait an hour for its answer), so
// nothing of the account is left on the event loop, and the cut attempt is not reported as the route's failure.
TEST(Client, CloseCancelsAConnectionAttemptUnderWay) {
  SimFixture sim;
  asio::io_context io;
  ChaosRelay relay(io, sim.port(2));
  relay.set_mode(ChaosRelay::Mode::blackhole);
  auto options = client_options(sim, {{2, relay.port()}});
  options.connect_timeout = std::chrono::hours(1);
  const auto source = std::make_shared<RecordingProxySource>();
  options.proxy_source = source;
  Client client(io.get_executor(), options, {}, crypto::system_rng(), mtproto::system_clock());
  client::CallOptions patient;
  patient.timeout = std::chrono::hours(1);
  bool finished = false;
  const auto call = [&]() -> asio::awaitable<void> {
    const api::help::getNearestDc get;
    (void)co_await client.invoke(get, patient);
  };
  asio::co_spawn(io, call(), [&](std::exception_ptr) { finished = true; });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (relay.accepted() == 0 && std::chrono::steady_clock::now() < give_up) io.run_one_for(std::chrono::milliseconds(50));
  ASSERT_EQ(relay.accepted(), 1);

  client.close();
  relay.stop_accepting();
  io.run_for(std::chrono::seconds(20));  // returns at once when nothing is left to run
  EXPECT_TRUE(finished);
  EXPECT_TRUE(io.stopped()) << "an attempt of the closed client still holds the event loop";
  EXPECT_EQ(source->failures, 0);
}

// The account through the sim acting as an MTProxy, with a padded (dd) and a fake-TLS (ee) secret: the DC is
// named in the obfuscated header, and initConnection reports the proxy.
TEST(Client, ReachesItsDcsThroughAnMtproxyWithEitherSecretKind) {
  const std::string dd = "dd00112233445566778899aabbccddeeff";
  const std::string ee = "ee00112233445566778899aabbccddeeff" "6578616d706c652e636f6d";  // example.com
  sim::SimOptions options;
  for (const auto& secret : {dd, ee})
    options.mtproxy_secrets.push_back(*net::parse_proxy_url("mtproxy://" + secret + "@127.0.0.1:1").secret);
  SimFixture sim(options);
  for (const auto& secret : {dd, ee}) {
    asio::io_context io;
    auto o = client_options(sim);
    o.proxy = net::parse_proxy_url("mtproxy://" + secret + "@127.0.0.1:" + std::to_string(sim.server().mtproxy_port()));
    Client client(io.get_executor(), o, {}, crypto::system_rng(), mtproto::system_clock());
    EXPECT_EQ(nearest_dc_this(io, client), 2) << secret.substr(0, 2);
    client::CallOptions on3;
    on3.dc = 3;
    EXPECT_EQ(nearest_dc_this(io, client, on3), 3) << secret.substr(0, 2);
  }
}

TEST(Client, ReachesItsDcsThroughASocks5ProxyWithAPassword) {
  SimFixture sim;
  asio::io_context io;
  Socks5TestServer proxy(io, "mtpipe", "s3cret");
  auto o = client_options(sim);
  o.proxy = net::parse_proxy_url("socks5://mtpipe:s3cret@127.0.0.1:" + std::to_string(proxy.port()));
  Client client(io.get_executor(), o, {}, crypto::system_rng(), mtproto::system_clock());
  EXPECT_EQ(nearest_dc_this(io, client), 2);
}

sim::SimOptions killing_every(std::uint64_t n) {
  sim::SimOptions o;
  o.kill_every = n;
  return o;
}

// The sim kills the connection instead of answering every 7th query. One request at a time, each kill costs one
// request a re-send on a new connection, and all 60 are answered.
TEST(Client, EveryRequestIsAnsweredWhileTheSimKillsConnectionsMidRequest) {
  SimFixture sim(killing_every(7));
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  for (int i = 0; i < 60; ++i) EXPECT_EQ(nearest_dc_this(io, client), 2);
  // Queries 7, 14, ..., 63 were killed and re-sent: the 60th answer is the 69th query.
  EXPECT_EQ(sim.server().dc(1).stats.connections_killed, 9u);
  EXPECT_EQ(client.stats().resent_after_reconnect, 9u);
}

// How requests sent ten at a time ended.
struct Outcomes {
  int answered = 0, lost = 0, other = 0;
};
Outcomes ten_at_a_time(asio::io_context& io, Client& client, int rounds, client::CallOptions options = {}) {
  Outcomes o;
  for (int round = 0; round < rounds; ++round)
    run_all(io, 10, [&]() -> asio::awaitable<void> {
      try {
        (void)co_await client.invoke(api::help::getNearestDc{}, options);
        ++o.answered;
      } catch (const mtproto::CallError& e) {
        ++(e.kind() == mtproto::CallError::Kind::connection_lost ? o.lost : o.other);
      } catch (...) {
        ++o.other;
      }
    });
  return o;
}

// Ten at a time, a kill takes every request in flight with it; re-sent, each request ends answered or with
// connection_lost once the retry budget is spent: none hangs, none ends otherwise.
TEST(Client, RequestsInFlightWhenTheSimKillsConnectionsAllEnd) {
  SimFixture sim(killing_every(7));
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  const auto o = ten_at_a_time(io, client, 6);
  EXPECT_EQ(o.answered + o.lost, 60);
  EXPECT_EQ(o.other, 0);
  EXPECT_GE(client.stats().resent_after_reconnect, 1u);
}

// With re-sends off, each request either completes or fails with connection_lost: none hangs, none is lost.
TEST(Client, WithoutResendsEachRequestCompletesOrFailsCleanly) {
  SimFixture sim(killing_every(5));
  asio::io_context io;
  Client client(io.get_executor(), client_options(sim), {}, crypto::system_rng(), mtproto::system_clock());
  client::CallOptions once;
  once.resend_after_reconnect = false;
  once.timeout = std::chrono::seconds(10);
  const auto o = ten_at_a_time(io, client, 4, once);
  EXPECT_EQ(o.answered + o.lost, 40);
  EXPECT_EQ(o.other, 0);
  EXPECT_GE(o.lost, 1);  // the request that was the 5th query, at least
}

}  // namespace
}  // namespace mtpipe::testing
