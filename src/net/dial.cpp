#include "net/dial.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "net/deadline_guard.h"

namespace mtpipe::net {
namespace asio = boost::asio;
using boost::system::error_code;

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) return std::nullopt;
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string format_endpoint(const Endpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

asio::awaitable<asio::ip::tcp::socket> dial(asio::any_io_executor executor, Endpoint to,
                                            std::chrono::milliseconds timeout) {
  asio::ip::tcp::resolver resolver(executor);
  asio::ip::tcp::socket socket(executor);
  DeadlineGuard guard(executor, std::chrono::steady_clock::now() + timeout, [&resolver, &socket] {
    resolver.cancel();
    error_code ignored;
    socket.close(ignored);
  });
  try {
    const auto endpoints = co_await resolver.async_resolve(to.host, std::to_string(to.port), asio::use_awaitable);
    co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
  } catch (const boost::system::system_error&) {
    guard.disarm();
    if (guard.expired()) throw boost::system::system_error(asio::error::timed_out, "connect to " + format_endpoint(to));
    throw;
  }
  guard.disarm();
  socket.set_option(asio::ip::tcp::no_delay(true));
  co_return socket;
}

}  // namespace mtpipe::net
