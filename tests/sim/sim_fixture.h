// Our client against an in-process `mtpipe sim`: helpers for the sim-labelled tests.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <optional>

#include "crypto/random.h"
#include "mtproto/connection/connection.h"
#include "net/dial.h"
#include "sim/rsa_key_file.h"
#include "sim/sim_server.h"

namespace mtpipe::testing {

namespace asio = boost::asio;

// Runs one coroutine on `io` to its end, rethrowing what it threw. Other work on `io` (a connection's read
// loop) runs meanwhile and stays queued for the next run.
inline void run(asio::io_context& io, asio::awaitable<void> task) {
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
    error = e;
    io.stop();
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
}

template <class T>
asio::awaitable<void> store_result(asio::awaitable<T> task, std::optional<T>& out) {
  out.emplace(co_await std::move(task));
}

// The same, returning the coroutine's value (which need not be default-constructible, a socket say).
template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> value;
  run(io, store_result(std::move(task), value));
  return std::move(*value);
}

// Runs `io` until `done()` holds, checking it after each handler and at least every 20 ms (for state other
// threads change, like the sim's counters). False when `guard` passed first: the guard only keeps a failing test
// from hanging, it is no expectation about time.
template <class Done>
bool run_until(asio::io_context& io, Done done, std::chrono::steady_clock::duration guard = std::chrono::seconds(60)) {
  const auto give_up = std::chrono::steady_clock::now() + guard;
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The kind of CallError an exception_ptr holds; nullopt for no error or another exception.
inline std::optional<mtproto::CallError::Kind> call_error_kind(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const mtproto::CallError& error) {
    return error.kind();
  } catch (...) {
  }
  return std::nullopt;
}

// An auth key no server knows, for tests that need a started connection without a handshake.
inline mtproto::HandshakeResult made_up_key(std::uint64_t id, std::uint8_t fill = 0) {
  mtproto::HandshakeResult key;
  key.key.bytes.fill(fill);
  key.key.id = id;
  return key;
}

// One RSA key for the whole test binary: generating one takes a while.
inline const crypto::RsaPrivateKey& sim_key() {
  static const crypto::RsaPrivateKey key = sim::generate_peer_friendly_key();
  return key;
}

class SimFixture {
 public:
  explicit SimFixture(sim::SimOptions options = {}) : server_(std::move(options), sim_key()) { server_.start(); }

  sim::SimServer& server() { return server_; }
  std::uint16_t port(std::int32_t dc_id) const {
    for (const auto& dc : server_.cluster().dcs)
      if (dc.id == dc_id) return dc.port;
    return 0;
  }

  mtproto::ConnectionOptions options(mtproto::transport::TransportSpec spec, std::int32_t dc = 2) const {
    mtproto::ConnectionOptions o;
    o.transport = spec;
    o.handshake.server_keys.push_back(sim_key().public_key());
    o.handshake.dc = dc;
    o.handshake_timeout = std::chrono::seconds(20);
    return o;
  }

  // Dials DC `dc` and returns a connection that has not started yet.
  std::shared_ptr<mtproto::Connection> dial(asio::io_context& io, mtproto::ConnectionOptions o, std::int32_t dc = 2) {
    return dial_port(io, std::move(o), port(dc));
  }

  // Dials any port of the sim (its MTProxy port, say).
  std::shared_ptr<mtproto::Connection> dial_port(asio::io_context& io, mtproto::ConnectionOptions o, std::uint16_t port) {
    auto socket = run(io, net::dial(io.get_executor(), {"127.0.0.1", port}, std::chrono::seconds(5)));
    return mtproto::Connection::create(std::move(socket), std::move(o), crypto::system_rng(), mtproto::system_clock());
  }

  std::shared_ptr<mtproto::Connection> connect(asio::io_context& io, mtproto::transport::TransportSpec spec,
                                               std::int32_t dc = 2) {
    auto connection = dial(io, options(spec, dc), dc);
    run(io, connection->start());
    return connection;
  }

 private:
  sim::SimServer server_;
};

}  // namespace mtpipe::testing
