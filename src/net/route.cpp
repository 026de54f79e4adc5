#include "net/route.h"

#include <boost/asio/steady_timer.hpp>

#include "net/deadline_guard.h"
#include "net/http_connect.h"
#include "net/socks5.h"

namespace mtpipe::net {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// net::dial with its system errors turned into DialError; `what` says whom we were dialing.
asio::awaitable<asio::ip::tcp::socket> dial_classified(asio::any_io_executor executor, Endpoint to,
                                                       std::chrono::milliseconds timeout, std::string what) {
  try {
    co_return co_await dial(executor, to, timeout);
  } catch (const boost::system::system_error& e) {
    throw DialError(classify(e.code()), "connecting to " + what + ": " + e.code().message());
  }
}

// The proxy's handshake, within what is left of the deadline: when it passes, the socket is closed, which ends
// whatever read or write the handshake is waiting on, and the error becomes a timeout.
asio::awaitable<void> handshake(asio::ip::tcp::socket& socket, ProxyUrl proxy, Endpoint dc,
                                Clock::time_point deadline) {
  DeadlineGuard guard(socket.get_executor(), deadline, [&socket] {
    boost::system::error_code ignored;
    socket.close(ignored);
  });
  const std::string name = proxy.redacted();
  try {
    if (proxy.kind == ProxyUrl::Kind::socks5) {
      Socks5Request request{dc, proxy.username, proxy.password};
      co_await socks5_connect(socket, std::move(request), name);
    } else {
      HttpConnectRequest request{dc, proxy.username, proxy.password};
      co_await http_connect(socket, std::move(request), name);
    }
  } catch (const DialError& e) {
    guard.disarm();
    if (guard.expired()) throw DialError(DialError::Kind::timeout, std::string(e.what()) + " (deadline passed)");
    throw;
  }
  guard.disarm();
}

}  // namespace

asio::awaitable<asio::ip::tcp::socket> dial_route(asio::any_io_executor executor, std::optional<ProxyUrl> proxy,
                                                  Endpoint dc, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  if (!proxy) {
    std::string dc_what = "DC " + format_endpoint(dc);
    co_return co_await dial_classified(executor, dc, timeout, std::move(dc_what));
  }
  std::string proxy_what = "proxy " + proxy->redacted();
  Endpoint proxy_endpoint = proxy->endpoint;
  auto socket = co_await dial_classified(executor, std::move(proxy_endpoint), timeout, std::move(proxy_what));
  if (proxy->kind == ProxyUrl::Kind::mtproxy) co_return socket;
  ProxyUrl via = *proxy;
  co_await handshake(socket, std::move(via), dc, deadline);
  co_return socket;
}

}  // namespace mtpipe::net
