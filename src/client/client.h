#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "client/client_options.h"
#include "client/session_data.h"
#include "crypto/random.h"
#include "mtproto/clock.h"
#include "mtproto/connection/connection.h"
#include "tl/reader.h"
#include "tl/serialize.h"

namespace mtpipe::client {

struct ClientStats {
  std::uint64_t calls = 0, ok = 0, failed = 0;
  std::uint64_t connects = 0, connect_failures = 0, handshakes = 0;
  std::uint64_t resent_after_reconnect = 0, retried_internal = 0;
  std::uint64_t migrations = 0, authorizations_imported = 0;
  std::uint64_t flood_sleeps = 0, flood_surfaced = 0, flood_blocked_locally = 0;
  std::uint64_t updates = 0;
};

// An update the server pushed, with the DC it came from.
struct PushedUpdate {
  std::int32_t dc = 0;
  mtproto::Push push;
};

class ClientCore;

// One account: a connection to its home DC plus connections to other DCs opened on demand
// (authorized there with auth.exportAuthorization / importAuthorization once, then kept). invoke() routes a
// request, follows *_MIGRATE answers, sleeps through short flood waits and surfaces long ones, refuses to send a
// method whose flood wait is still running, re-sends after a lost connection, and keeps every call within its
// timeout. Everything runs on the executor given at construction (one account lives on one worker); not
// thread-safe.
//
// Errors: client::RpcError for what the server refused (typed by its text) and for timeouts;
// mtproto::CallError for a connection that could not be (re)established within the retry budget; async::Cancelled
// for a cancelled call.
class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options, SessionData session, crypto::Rng& rng,
         const mtproto::Clock& clock);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `function` and decodes its result. `function` is serialised before this returns.
  template <class F>
  boost::asio::awaitable<typename F::Result> invoke(const F& function, CallOptions options = {}) {
    return call_as<F>(tl::serialize(function), std::move(options));
  }
  // The untyped form: a boxed TL function in, the boxed answer out.
  boost::asio::awaitable<std::vector<std::uint8_t>> call(std::vector<std::uint8_t> query, CallOptions options = {});

  // Called on the executor for every pushed update and new-session notice.
  void on_update(std::function<void(PushedUpdate)> handler);
  // Called whenever something worth saving changed: a new auth key, a new home DC, an authorization.
  void on_session_changed(std::function<void(const SessionData&)> handler);

  // What the account should save now, with the salts and time offsets the live connections learnt.
  SessionData session() const;
  // After a login (see login.h): who the account is. Saves through on_session_changed.
  void set_logged_in(std::int64_t user_id, bool bot);
  // After auth.logOut: the keys stay but no longer log in.
  void set_logged_out();
  std::int32_t home_dc() const;
  const ClientStats& stats() const;

  // Closes every connection; waiting calls fail. Idempotent.
  void close();
  // Calls are accepted again (after close()) with `session` as the account's state, and connect anew: a replica
  // that takes over an account starts from the session its previous holder saved, not from what it had itself
  // when it last drove the account (keys, home DC and logins may have changed since).
  void reopen(SessionData session);

 private:
  template <class F>
  boost::asio::awaitable<typename F::Result> call_as(std::vector<std::uint8_t> query, CallOptions options) {
    const auto answer = co_await call(std::move(query), std::move(options));
    tl::Reader r(answer);
    co_return F::tl_read_result(r);
  }
  std::shared_ptr<ClientCore> core_;
};

}  // namespace mtpipe::client
