// The account Client against an in-process sim: options pointing at the sim's DCs, and a run loop.
#pragma once

#include <boost/asio/this_coro.hpp>
#include <map>

#include "async/event.h"
#include "client/client.h"
#include "client/rpc_error.h"
#include "../sim/sim_fixture.h"

namespace mtpipe::testing {

// Options for an account on `sim`. `ports` replaces a DC's port (to route it through a ChaosRelay).
inline client::ClientOptions client_options(SimFixture& sim, const std::map<std::int32_t, std::uint16_t>& ports = {}) {
  client::ClientOptions o;
  for (const auto& dc : sim.server().cluster().dcs) {
    const auto it = ports.find(dc.id);
    o.network.bootstrap.push_back({dc.id, "127.0.0.1", it == ports.end() ? dc.port : it->second, false});
  }
  o.network.server_keys.push_back(sim_key().public_key());
  o.network.default_dc = 2;
  o.api.api_id = 17349;
  o.api.api_hash = "sim-api-hash";
  o.request_timeout = std::chrono::seconds(20);
  o.reconnect.initial = std::chrono::milliseconds(20);
  o.reconnect.max = std::chrono::milliseconds(200);
  return o;
}

// The kind of client::RpcError an exception_ptr holds.
inline std::optional<client::RpcErrorKind> rpc_error_kind(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const client::RpcError& error) {
    return error.kind();
  } catch (...) {
  }
  return std::nullopt;
}

// Runs `task` and returns what it threw (nullptr when it finished).
inline std::exception_ptr run_catching(asio::io_context& io, asio::awaitable<void> task) {
  try {
    run(io, std::move(task));
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// Runs `count` copies of `make()` concurrently on `io` until all of them ended, however they ended.
template <class Make>
void run_all(asio::io_context& io, int count, Make make) {
  run(io, [&]() -> asio::awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    int done = 0;
    async::Event all_done;
    for (int i = 0; i < count; ++i)
      asio::co_spawn(executor, make(), [&](std::exception_ptr) {
        if (++done == count) all_done.notify_all();
      });
    while (done < count) co_await all_done.wait();
  }());
}

}  // namespace mtpipe::testing
