// dial_route through real proxies on loopback (danted for SOCKS5, tinyproxy for HTTP CONNECT, our own SOCKS5
// server for username/password), each carrying an mtproto::Connection to an in-process sim; and the ways a
// route fails, each with its DialError kind.
#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "net/route.h"
#include "proxy_process.h"
#include "sim/sim_fixture.h"
#include "socks5_test_server.h"
#include "tl/api.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::transport::Framing;
using net::DialError;
using testing::run;
namespace asio = boost::asio;
namespace api = tl::api;

net::ProxyUrl proxy(const std::string& url) { return net::parse_proxy_url(url); }

// Dials the sim's DC 2 along the route and makes a few calls over the connection.
void call_through(testing::SimFixture& sim, asio::io_context& io, std::optional<net::ProxyUrl> via) {
  const net::Endpoint dc{"127.0.0.1", sim.port(2)};
  auto socket = run(io, net::dial_route(io.get_executor(), std::move(via), dc, 5s));
  auto connection = mtproto::Connection::create(std::move(socket), sim.options({Framing::intermediate, true}),
                                                crypto::system_rng(), mtproto::system_clock());
  run(io, connection->start());
  for (int i = 0; i < 3; ++i) {
    const auto answer = run(io, connection->invoke(api::help::getNearestDc{}, 10s));
    const auto* nearest = dynamic_cast<const api::nearestDc*>(answer.get());
    ASSERT_NE(nearest, nullptr);
    EXPECT_EQ(nearest->this_dc, 2);
  }
  connection->close();
}

// The DialError dial_route throws for `via` and `dc` (fails the test when it does not throw one).
DialError route_error(asio::io_context& io, std::optional<net::ProxyUrl> via, net::Endpoint dc,
                      std::chrono::milliseconds timeout = 5s) {
  try {
    run(io, net::dial_route(io.get_executor(), std::move(via), std::move(dc), timeout));
  } catch (const DialError& e) {
    return e;
  }
  ADD_FAILURE() << "dial_route succeeded";
  return DialError(DialError::Kind::network, "no error");
}

// A port that refuses connections: bound for a moment, then released.
std::uint16_t dead_port() { return testing::free_loopback_port(); }

// Calls through `url` to a fresh sim, then asks the proxy for a port nobody listens on: the proxy itself works,
// so that is the proxy's refusal (proxy_refused), which the returned error is.
DialError calls_then_refused_target(const std::string& url) {
  testing::SimFixture sim;
  asio::io_context io;
  call_through(sim, io, proxy(url));
  DialError e = route_error(io, proxy(url), {"127.0.0.1", dead_port()});
  EXPECT_EQ(e.kind(), DialError::Kind::proxy_refused) << e.what();
  EXPECT_NE(std::string(e.what()).find("refused the connection to 127.0.0.1:"), std::string::npos) << e.what();
  return e;
}

// A proxy program running for one test: its directory, its port and the process.
struct RunningProxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_loopback_port();
  std::unique_ptr<testing::ProxyProcess> process;

  std::string at() const { return "127.0.0.1:" + std::to_string(port); }
};

std::unique_ptr<RunningProxy> start_danted() {
  auto p = std::make_unique<RunningProxy>();
  std::string config = "logoutput: stderr\ninternal: 127.0.0.1 port = " + std::to_string(p->port) +
                       "\nexternal: 127.0.0.1\nclientmethod: none\nsocksmethod: none\n";
  // As root danted wants to know whom to run as; as a normal user these settings would be refused. Server
  // settings come before the rules.
  if (geteuid() == 0) config += "user.privileged: root\nuser.unprivileged: nobody\n";
  config += "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\nsocks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n";
  const auto file = p->dir.write("danted.conf", config);
  const std::string pid = (p->dir.path() / "danted.pid").string();
  p->process = std::make_unique<testing::ProxyProcess>(
      std::vector<std::string>{"/usr/sbin/danted", "-f", file.string(), "-p", pid, "-N", "1"}, p->dir, p->port);
  return p;
}

std::unique_ptr<RunningProxy> start_tinyproxy(const std::string& basic_auth = "") {
  auto p = std::make_unique<RunningProxy>();
  std::string config = "Port " + std::to_string(p->port) + "\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\n"
                       "MaxClients 20\n";
  if (!basic_auth.empty()) config += "BasicAuth " + basic_auth + "\n";
  const auto file = p->dir.write("tinyproxy.conf", config);
  p->process = std::make_unique<testing::ProxyProcess>(
      std::vector<std::string>{"/usr/bin/tinyproxy", "-d", "-c", file.string()}, p->dir, p->port);
  return p;
}

TEST(Route, DirectToTheSim) {
  testing::SimFixture sim;
  asio::io_context io;
  call_through(sim, io, std::nullopt);
}

TEST(Route, ThroughDantedSocks5) {
  ASSERT_TRUE(testing::require_binary("/usr/sbin/danted", "dante-server"));
  const auto danted = start_danted();
  const DialError e = calls_then_refused_target("socks5://" + danted->at());
  EXPECT_NE(std::string(e.what()).find("(reply "), std::string::npos) << "names the reply code: " << e.what();
  // Credentials offered to a no-auth proxy are simply not used.
  calls_then_refused_target("socks5://someone:pw@" + danted->at());
}

TEST(Route, ThroughSocks5WithUsernameAndPassword) {
  testing::SimFixture sim;
  asio::io_context io;
  testing::Socks5TestServer server(io, "alice", "s3cret-pw");
  const std::string at = "127.0.0.1:" + std::to_string(server.port());
  call_through(sim, io, proxy("socks5://alice:s3cret-pw@" + at));

  const net::Endpoint dc{"127.0.0.1", sim.port(2)};
  const DialError wrong = route_error(io, proxy("socks5://alice:wrong-pw@" + at), dc);
  EXPECT_EQ(wrong.kind(), DialError::Kind::proxy_auth);
  EXPECT_NE(std::string(wrong.what()).find("username/password rejected"), std::string::npos) << wrong.what();
  EXPECT_EQ(std::string(wrong.what()).find("wrong-pw"), std::string::npos) << wrong.what();

  const DialError none = route_error(io, proxy("socks5://" + at), dc);
  EXPECT_EQ(none.kind(), DialError::Kind::proxy_auth);
  EXPECT_NE(std::string(none.what()).find("proxy requires authentication we were not configured for"),
            std::string::npos)
      << none.what();
}

TEST(Route, ThroughTinyproxyHttpConnect) {
  ASSERT_TRUE(testing::require_binary("/usr/bin/tinyproxy", "tinyproxy"));
  const auto tinyproxy = start_tinyproxy();
  const DialError e = calls_then_refused_target("http://" + tinyproxy->at());
  EXPECT_NE(std::string(e.what()).find("HTTP/1."), std::string::npos) << "quotes the status line: " << e.what();
}

TEST(Route, ThroughTinyproxyWithBasicAuth) {
  ASSERT_TRUE(testing::require_binary("/usr/bin/tinyproxy", "tinyproxy"));
  const auto tinyproxy = start_tinyproxy("bob hunter2pw");
  const std::string at = tinyproxy->at();
  testing::SimFixture sim;
  asio::io_context io;
  call_through(sim, io, proxy("http://bob:hunter2pw@" + at));

  const net::Endpoint dc{"127.0.0.1", sim.port(2)};
  const DialError wrong = route_error(io, proxy("http://bob:nope-pw@" + at), dc);
  EXPECT_EQ(wrong.kind(), DialError::Kind::proxy_auth) << wrong.what();
  EXPECT_NE(std::string(wrong.what()).find("http://bob:***@"), std::string::npos) << wrong.what();
  EXPECT_EQ(std::string(wrong.what()).find("nope-pw"), std::string::npos) << wrong.what();

  const DialError none = route_error(io, proxy("http://" + at), dc);
  EXPECT_EQ(none.kind(), DialError::Kind::proxy_auth) << none.what();
  EXPECT_NE(std::string(none.what()).find("not configured for"), std::string::npos) << none.what();
}

TEST(Route, DeadProxyPortIsRefusedNotADeadDc) {
  asio::io_context io;
  const std::string at = "127.0.0.1:" + std::to_string(dead_port());
  for (const std::string scheme : {"socks5://", "http://"}) {
    const DialError e = route_error(io, proxy(scheme + "u:pw-never-shown@" + at), {"127.0.0.1", 443});
    EXPECT_EQ(e.kind(), DialError::Kind::refused) << e.what();
    EXPECT_NE(std::string(e.what()).find("proxy " + scheme + "u:***@"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("pw-never-shown"), std::string::npos) << e.what();
  }
  const DialError direct = route_error(io, std::nullopt, {"127.0.0.1", dead_port()});
  EXPECT_EQ(direct.kind(), DialError::Kind::refused) << direct.what();
  EXPECT_NE(std::string(direct.what()).find("DC 127.0.0.1:"), std::string::npos) << direct.what();
}

TEST(Route, ProxyThatNeverAnswersTimesOutAtTheDeadline) {
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});  // accepts (backlog), never reads
  const std::string at = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  for (const std::string scheme : {"socks5://", "http://"}) {
    const DialError e = route_error(io, proxy(scheme + at), {"127.0.0.1", 443}, 300ms);
    EXPECT_EQ(e.kind(), DialError::Kind::timeout) << e.what();
  }
}

// The sim's MTProxy port with a dd and an ee secret: the route reaches the proxy, the transport (obfuscation,
// and fake TLS for ee) tells it the DC.
TEST(Route, ThroughTheSimsMtproxyWithDdAndEeSecrets) {
  const std::string dd = "dd0123456789abcdef0123456789abcdef";
  const std::string ee = "eefedcba9876543210fedcba9876543210" "7777772e6578616d706c652e636f6d";  // www.example.com
  sim::SimOptions options;
  options.mtproxy_secrets = {proxy("mtproxy://" + dd + "@127.0.0.1:1").secret.value(),
                             proxy("mtproxy://" + ee + "@127.0.0.1:1").secret.value()};
  testing::SimFixture sim(std::move(options));
  asio::io_context io;
  for (const std::string& secret : {dd, ee}) {
    SCOPED_TRACE(secret.substr(0, 2));
    const auto url = proxy("mtproxy://" + secret + "@127.0.0.1:" + std::to_string(sim.server().mtproxy_port()));
    auto socket = run(io, net::dial_route(io.get_executor(), url, {"127.0.0.1", sim.port(2)}, 5s));
    auto o = sim.options({Framing::intermediate, false});
    o.proxy = url.secret;
    o.proxy_dc = 2;
    auto connection = mtproto::Connection::create(std::move(socket), std::move(o), crypto::system_rng(),
                                                  mtproto::system_clock());
    run(io, connection->start());
    const auto answer = run(io, connection->invoke(api::help::getNearestDc{}, 10s));
    const auto* nearest = dynamic_cast<const api::nearestDc*>(answer.get());
    ASSERT_NE(nearest, nullptr);
    EXPECT_EQ(nearest->this_dc, 2);
    connection->close();
  }
}

TEST(Route, MtproxyIsAPlainConnectionToTheProxyItself) {
  asio::io_context io;
  asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto url = proxy("mtproxy://dd0123456789abcdef0123456789abcdef@127.0.0.1:" +
                         std::to_string(listener.local_endpoint().port()));
  auto socket = run(io, net::dial_route(io.get_executor(), url, {"127.0.0.1", 443}, 5s));
  EXPECT_EQ(socket.remote_endpoint().port(), listener.local_endpoint().port());
}

// A proxy that sends its answer and the tunnel's first bytes in one segment: those bytes must stay readable.
TEST(Route, HttpConnectLeavesTheTunnelsFirstBytesInTheSocket) {
  asio::io_context io;
  asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket accepted(io);
  listener.async_accept(accepted, [&](boost::system::error_code ec) {
    if (ec) return;
    static std::array<char, 512> request{};
    accepted.async_read_some(asio::buffer(request), [&](boost::system::error_code, std::size_t) {
      static const std::string answer = "HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\nTUNNEL-BYTES";
      asio::write(accepted, asio::buffer(answer));
    });
  });
  const auto url = proxy("http://127.0.0.1:" + std::to_string(listener.local_endpoint().port()));
  auto socket = run(io, net::dial_route(io.get_executor(), url, {"127.0.0.1", 443}, 5s));
  std::string rest(12, '\0');
  asio::read(socket, asio::buffer(rest));
  EXPECT_EQ(rest, "TUNNEL-BYTES");
}

}  // namespace
}  // namespace mtpipe
