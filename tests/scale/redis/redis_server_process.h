// A real redis-server for the services-labelled tests: started on a free loopback port with nothing persisted,
// ready once it answers PING, killed when the object goes. Tests that need several replicas start one server and
// point every replica's RedisClient at url(). Uses tests/net/proxy_process.h: a test target that includes this
// needs ${CMAKE_SOURCE_DIR}/tests on its include path.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "net/proxy_process.h"

namespace mtpipe::testing {

class RedisServerProcess {
 public:
  static constexpr const char* kBinary = "/usr/bin/redis-server";

  // `extra` goes after the standard arguments, e.g. {"--requirepass", "secret"}. Throws when the server does not
  // start or never answers PING; call available() first so a missing binary fails the test with what to install.
  explicit RedisServerProcess(std::vector<std::string> extra = {}) : extra_(std::move(extra)) { start(); }

  static bool available() { return require_binary(kBinary, "redis-server"); }

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& credentials = "", int db = 0) const {
    std::string out = "redis://" + credentials + (credentials.empty() ? "" : "@") + "127.0.0.1:" + std::to_string(port_);
    return db == 0 ? out : out + "/" + std::to_string(db);
  }

  // SIGKILL: no goodbye to the clients, which see their connections reset or closed.
  void kill() { process_.reset(); }
  // A fresh server (empty: nothing was saved) on the same port.
  void restart() {
    kill();
    start();
  }

 private:
  void start() {
    std::vector<std::string> argv{kBinary,       "--port",  std::to_string(port_), "--bind",     "127.0.0.1",
                                  "--save",      "",        "--appendonly",        "no",         "--dir",
                                  dir_.path().string(),     "--daemonize",         "no"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    process_.emplace(std::move(argv), dir_, port_);  // returns once the port accepts connections
    wait_for_pong();
  }

  // Listening is not yet serving (a server loading its data answers -LOADING): PING until +PONG, a bounded number
  // of times. A server started with --requirepass answers -NOAUTH, which also says it serves.
  void wait_for_pong() {
    boost::asio::io_context io;
    std::string last;
    for (int attempt = 0; attempt < 200; ++attempt) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io);
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) boost::asio::write(socket, boost::asio::buffer(std::string("PING\r\n")), ec);
      char answer[7] = {};
      if (!ec) boost::asio::read(socket, boost::asio::buffer(answer), ec);
      last.assign(answer, sizeof answer);
      if (!ec && (last == "+PONG\r\n" || last == "-NOAUTH")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("redis-server on port " + std::to_string(port_) + " never answered PING (last: '" + last +
                             "'); its output:\n" + process_->log());
  }

  std::vector<std::string> extra_;
  TempDir dir_;
  std::uint16_t port_ = free_loopback_port();
  std::optional<ProxyProcess> process_;
};

}  // namespace mtpipe::testing
