// A SOCKS5 server with username/password authentication, for tests: danted checks such credentials against
// system users, which a test should not create. Written from RFC 1928/1929; CONNECT to IPv4 targets only.
#pragma once

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mtpipe::testing {

class Socks5TestServer {
 public:
  using tcp = boost::asio::ip::tcp;

  Socks5TestServer(boost::asio::io_context& io, std::string username, std::string password)
      : state_(std::make_shared<State>(io, std::move(username), std::move(password))) {
    boost::asio::co_spawn(io, accept_loop(state_), boost::asio::detached);
  }
  std::uint16_t port() const { return port_; }
  // The proxy dies: it stops accepting and drops every connection it relays.
  void stop() {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    for (const auto& weak : state_->relayed)
      if (const auto socket = weak.lock()) socket->close(ignored);
  }

 private:
  struct State {
    State(boost::asio::io_context& io, std::string u, std::string p)
        : acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0}), username(std::move(u)), password(std::move(p)) {}
    tcp::acceptor acceptor;
    std::string username, password;
    std::vector<std::weak_ptr<tcp::socket>> relayed;
  };

  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<State> state) {
    for (;;) {
      auto client = co_await state->acceptor.async_accept(boost::asio::use_awaitable);
      boost::asio::co_spawn(state->acceptor.get_executor(), serve(state, std::move(client)), boost::asio::detached);
    }
  }

  static boost::asio::awaitable<std::string> read_short_string(tcp::socket& s) {
    std::array<std::uint8_t, 1> size{};
    co_await boost::asio::async_read(s, boost::asio::buffer(size), boost::asio::use_awaitable);
    std::string text(size[0], '\0');
    co_await boost::asio::async_read(s, boost::asio::buffer(text), boost::asio::use_awaitable);
    co_return text;
  }

  static boost::asio::awaitable<void> reply(tcp::socket& s, std::vector<std::uint8_t> bytes) {
    co_await boost::asio::async_write(s, boost::asio::buffer(bytes), boost::asio::use_awaitable);
  }

  static boost::asio::awaitable<void> serve(std::shared_ptr<State> state, tcp::socket client) {
    namespace asio = boost::asio;
    std::array<std::uint8_t, 2> head{};
    co_await asio::async_read(client, asio::buffer(head), asio::use_awaitable);  // VER NMETHODS
    std::vector<std::uint8_t> methods(head[1]);
    co_await asio::async_read(client, asio::buffer(methods), asio::use_awaitable);
    if (std::find(methods.begin(), methods.end(), 0x02) == methods.end()) {
      std::vector<std::uint8_t> none{0x05, 0xff};
      co_await reply(client, std::move(none));
      co_return;
    }
    std::vector<std::uint8_t> chosen{0x05, 0x02};
    co_await reply(client, std::move(chosen));
    std::array<std::uint8_t, 1> version{};
    co_await asio::async_read(client, asio::buffer(version), asio::use_awaitable);
    const std::string username = co_await read_short_string(client);
    const std::string password = co_await read_short_string(client);
    const bool good = username == state->username && password == state->password;
    std::vector<std::uint8_t> verdict{0x01, static_cast<std::uint8_t>(good ? 0 : 1)};
    co_await reply(client, std::move(verdict));
    if (!good) co_return;
    std::array<std::uint8_t, 10> request{};  // VER CMD RSV ATYP=1 ADDR(4) PORT(2)
    co_await asio::async_read(client, asio::buffer(request), asio::use_awaitable);
    const asio::ip::address_v4 address({request[4], request[5], request[6], request[7]});
    const auto port = static_cast<std::uint16_t>(request[8] << 8 | request[9]);
    tcp::socket upstream(client.get_executor());
    boost::system::error_code ec;
    upstream.connect({address, port}, ec);
    std::vector<std::uint8_t> connected{0x05, static_cast<std::uint8_t>(ec ? 5 : 0), 0, 1, 0, 0, 0, 0, 0, 0};
    co_await reply(client, std::move(connected));
    if (ec) co_return;
    auto a = std::make_shared<tcp::socket>(std::move(client));
    auto b = std::make_shared<tcp::socket>(std::move(upstream));
    state->relayed.push_back(a);
    state->relayed.push_back(b);
    asio::co_spawn(a->get_executor(), pump(a, b), asio::detached);
    co_await pump(b, a);
  }

  static boost::asio::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    std::array<std::uint8_t, 16384> buffer{};
    try {
      for (;;) {
        const std::size_t n = co_await from->async_read_some(boost::asio::buffer(buffer), boost::asio::use_awaitable);
        co_await boost::asio::async_write(*to, boost::asio::buffer(buffer.data(), n), boost::asio::use_awaitable);
      }
    } catch (const boost::system::system_error&) {
      boost::system::error_code ignored;
      to->shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  std::shared_ptr<State> state_;
  std::uint16_t port_ = state_->acceptor.local_endpoint().port();
};

}  // namespace mtpipe::testing
