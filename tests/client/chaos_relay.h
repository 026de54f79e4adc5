// A TCP relay between a client and the sim that can break connections on command, for tests of what the
// client does when a connection dies in the middle of a request. Runs on the test's io_context.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <memory>
#include <vector>

namespace mtpipe::testing {

class ChaosRelay {
 public:
  enum class Mode {
    pass,              // relay both ways
    kill_next_answer,  // the next bytes from the server close both sides instead (once), then pass again
    blackhole,         // accept, read the client, never answer
  };

  ChaosRelay(boost::asio::io_context& io, std::uint16_t target_port)
      : io_(io), acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}), target_port_(target_port) {
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
  }
  ~ChaosRelay() { close(); }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void set_mode(Mode mode) { mode_ = mode; }
  int kills() const { return kills_; }
  int accepted() const { return accepted_; }
  void close() {
    stop_accepting();
    for (auto& p : pairs_) p->close();
  }
  // The connections open now go silent both ways: bytes are read and dropped, the sockets stay open (no FIN, no
  // RST), as when a path dies without either end hearing of it. New connections pass.
  void silence_open() {
    for (auto& p : pairs_) p->silent = true;
  }
  // The connections open now are closed on both sides; new ones are still taken.
  void cut_open() {
    for (auto& p : pairs_) p->close();
  }
  // Takes no more connections; those open stay as they are.
  void stop_accepting() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  using tcp = boost::asio::ip::tcp;
  struct Pair {
    explicit Pair(boost::asio::io_context& io) : client(io), server(io) {}
    tcp::socket client, server;
    bool silent = false;
    void close() {
      boost::system::error_code ignored;
      client.close(ignored);
      server.close(ignored);
    }
  };

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      auto pair = std::make_shared<Pair>(io_);
      co_await acceptor_.async_accept(pair->client, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted_;
      pairs_.push_back(pair);
      if (mode_ == Mode::blackhole) {
        boost::asio::co_spawn(io_, drain(pair), boost::asio::detached);
        continue;
      }
      co_await pair->server.async_connect({boost::asio::ip::make_address("127.0.0.1"), target_port_},
                                          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) {
        pair->close();
        continue;
      }
      boost::asio::co_spawn(io_, pump(pair, true), boost::asio::detached);
      boost::asio::co_spawn(io_, pump(pair, false), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> drain(std::shared_ptr<Pair> pair) {
    std::array<std::uint8_t, 4096> buffer{};
    boost::system::error_code ec;
    while (!ec) co_await pair->client.async_read_some(boost::asio::buffer(buffer), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  boost::asio::awaitable<void> pump(std::shared_ptr<Pair> pair, bool from_server) {
    auto& in = from_server ? pair->server : pair->client;
    auto& out = from_server ? pair->client : pair->server;
    std::vector<std::uint8_t> buffer(64 * 1024);
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await in.async_read_some(boost::asio::buffer(buffer), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) break;
      if (from_server && mode_ == Mode::kill_next_answer) {
        mode_ = Mode::pass;
        ++kills_;
        break;
      }
      if (pair->silent) continue;
      co_await boost::asio::async_write(out, boost::asio::buffer(buffer.data(), n), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) break;
    }
    pair->close();
  }

  boost::asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::uint16_t target_port_;
  Mode mode_ = Mode::pass;
  int kills_ = 0, accepted_ = 0;
  std::vector<std::shared_ptr<Pair>> pairs_;
};

}  // namespace mtpipe::testing
