// What the link tests share: a fake `next` that records what reached it and answers as the test says, requests
// for a named method, and a loop that runs one coroutine to its end. No network, no sim.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/invoker.h"
#include "client/rpc_error.h"
#include "tl/schema_table.h"

namespace mtpipe::testing {
namespace asio = boost::asio;

// Stands for the rest of the chain below a link.
struct FakeNext final : client::Invoker {
  // What one request looked like when it arrived.
  struct Seen {
    std::optional<std::size_t> account;
    std::string account_name;
    std::optional<std::int32_t> dc;
    int attempt = 0;
  };
  std::vector<Seen> seen;
  // The answer to the n-th request (from 0), or what it throws. By default DC 2 answers as a client would.
  std::function<client::Answer(client::Request&, std::size_t n)> answer = [](client::Request& r, std::size_t) {
    r.trace.dc = 2;
    return client::Answer{1, 2, 3, 4};
  };

  asio::awaitable<client::Answer> invoke(client::Request& request) override {
    seen.push_back({request.account, std::string(request.account_name), request.dc, request.attempt});
    co_return answer(request, seen.size() - 1);
  }
};

// The boxed query of `method` without its arguments: all the links read of it is the constructor id.
inline std::vector<std::uint8_t> query_of(std::string_view method) {
  const auto* entry = tl::schema::find(method);
  if (!entry) throw std::invalid_argument("no method " + std::string(method));
  const std::uint32_t id = entry->id;
  return {static_cast<std::uint8_t>(id), static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id >> 16),
          static_cast<std::uint8_t>(id >> 24)};
}

inline client::Request request_for(std::string_view method,
                                   std::chrono::steady_clock::duration timeout = std::chrono::seconds(30)) {
  client::Request r;
  r.query = query_of(method);
  r.method = client::Method::of(r.query);
  r.deadline = std::chrono::steady_clock::now() + timeout;
  return r;
}

// Runs `task` on `io` until it ends; returns its value or rethrows what it threw.
template <class T>
T run_task(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> value;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, std::optional<T> v) {
    failure = e;
    value = std::move(v);
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

// What `task` threw (nullptr when it answered).
inline std::exception_ptr failure_of(asio::io_context& io, asio::awaitable<client::Answer> task) {
  try {
    (void)run_task(io, std::move(task));
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

template <class E>
bool holds(const std::exception_ptr& e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const E&) {
    return true;
  } catch (...) {
  }
  return false;
}

}  // namespace mtpipe::testing
