#pragma once
// An account's call on its way down the account's policies (local flood hold, migration, re-authorisation on
// another DC, re-send after a lost connection, retry after a 5xx) to the one send at the bottom. Each policy is a
// step that wraps the next one and loops over the outcomes that are its own; everything else goes up unchanged.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <variant>

#include "client/client_options.h"
#include "client/invoker.h"
#include "client/method.h"
#include "client/rpc_error.h"
#include "mtproto/connection/call_error.h"

namespace mtpipe::client {

// One call of the account, with the state its policies share while it lasts.
struct Call {
  Method method;
  std::span<const std::uint8_t> query;
  std::chrono::steady_clock::time_point deadline;
  std::optional<std::int32_t> pinned_dc;  // the caller's DC, or where a FILE/STATS_MIGRATE sent it; else home
  bool resend_after_reconnect = true;
  CallTrace* trace = nullptr;
  std::int32_t sent_to = 0;  // the DC of the last send
  int failures = 0;          // re-sends and retries so far: together they spend ClientOptions::retry_max
  int migrations = 0;        // *_MIGRATE answers followed
};

// What one send came back with: the answer, the server's refusal, or the connection gone before the answer (a
// CallError of kind connection_lost or refused). What no policy may act on (a timeout, a cancellation, a failure
// before the send) is thrown instead.
using Outcome = std::variant<Answer, RpcError, mtproto::CallError>;

class CallStep {
 public:
  virtual ~CallStep() = default;
  virtual boost::asio::awaitable<Outcome> send(Call& call) = 0;
};

// What the policies may ask of the account and do to it.
class AccountAccess {
 public:
  virtual ~AccountAccess() = default;
  virtual std::int32_t home_dc() const = 0;
  virtual bool logged_in() const = 0;
  // Whether the account's login was imported on `dc` (and that DC's key is still there).
  virtual bool authorized_on(std::int32_t dc) const = 0;
  // The login on `dc` is gone: the next call there imports it again.
  virtual void forget_authorization(std::int32_t dc) = 0;
  // Imports the login on `dc` (single flight); throws what a call throws.
  virtual boost::asio::awaitable<void> authorize_on(std::int32_t dc, std::chrono::steady_clock::time_point deadline) = 0;
  // The account lives on `dc` from now on (saved).
  virtual void move_home(std::int32_t dc) = 0;
};

// How a policy pauses: async::sleep_for, or a fake in tests.
using Sleep = std::function<boost::asio::awaitable<void>(std::chrono::steady_clock::duration)>;

}  // namespace mtpipe::client
