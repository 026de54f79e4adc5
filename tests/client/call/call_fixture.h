// What the call-policy tests share: a fake step below the policy that plays scripted outcomes and records the
// calls it saw, a fake account, a sleep that only records, and a loop that runs one send to its end. No network.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <set>

#include "client/call/call_step.h"
#include "client/client.h"

namespace mtpipe::testing {
namespace asio = boost::asio;
using client::Outcome;

// Plays its outcomes in order (the last one again when they run out) and records each call as it arrived.
struct FakeStep final : client::CallStep {
  struct Seen {
    std::optional<std::int32_t> pinned_dc;
    int failures = 0;
  };
  std::deque<Outcome> outcomes{client::Answer{1}};
  std::vector<Seen> seen;
  std::int32_t dc = 2;  // where it says it sent each call

  asio::awaitable<Outcome> send(client::Call& call) override {
    seen.push_back({call.pinned_dc, call.failures});
    call.sent_to = call.pinned_dc.value_or(dc);
    Outcome next = outcomes.front();
    if (outcomes.size() > 1) outcomes.pop_front();
    co_return next;
  }
};

struct FakeAccount final : client::AccountAccess {
  std::int32_t home = 2;
  bool login = true;
  std::set<std::int32_t> authorized;
  std::vector<std::int32_t> imports;

  std::int32_t home_dc() const override { return home; }
  bool logged_in() const override { return login; }
  bool authorized_on(std::int32_t dc) const override { return authorized.contains(dc); }
  void forget_authorization(std::int32_t dc) override { authorized.erase(dc); }
  asio::awaitable<void> authorize_on(std::int32_t dc, std::chrono::steady_clock::time_point) override {
    imports.push_back(dc);
    authorized.insert(dc);
    co_return;
  }
  void move_home(std::int32_t dc) override { home = dc; }
};

// Records the pauses asked for and returns at once, after `then` (what the pause would have let happen).
struct FakeSleep {
  std::vector<std::chrono::steady_clock::duration> pauses;
  std::function<void()> then = [] {};
  client::Sleep sleep() {
    return [this](std::chrono::steady_clock::duration d) -> asio::awaitable<void> {
      pauses.push_back(d);
      then();
      co_return;
    };
  }
};

inline client::Call call_for(std::chrono::steady_clock::duration timeout = std::chrono::seconds(30)) {
  client::Call c;
  c.method = client::Method(0x1234u);
  c.deadline = std::chrono::steady_clock::now() + timeout;
  return c;
}

// Runs `step.send(call)` to its end; the outcome, or rethrows what it threw.
inline Outcome send(client::CallStep& step, client::Call& call) {
  asio::io_context io;
  std::optional<Outcome> out;
  std::exception_ptr failure;
  asio::co_spawn(io, step.send(call), [&](std::exception_ptr e, Outcome o) {
    failure = e;
    if (!e) out = std::move(o);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

inline Outcome rpc(std::int32_t code, const std::string& message) { return client::RpcError::from_server(code, message); }
inline Outcome lost() { return mtproto::CallError(mtproto::CallError::Kind::connection_lost, "gone"); }
inline bool answered(const Outcome& o) { return std::holds_alternative<client::Answer>(o); }
inline client::RpcErrorKind kind_of(const Outcome& o) { return std::get<client::RpcError>(o).kind(); }

}  // namespace mtpipe::testing
