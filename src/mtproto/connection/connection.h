#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "async/slot.h"
#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/connection/call_error.h"
#include "mtproto/error.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/session/client_session.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/mtproxy_secret.h"
#include "tl/reader.h"
#include "tl/serialize.h"

namespace mtpipe::mtproto {

// Perfect forward secrecy (core.telegram.org/api/pfs): the connection makes a temporary key and binds it to
// the permanent one with auth.bindTempAuthKey before any call; traffic is then encrypted with the temporary key
// only, so a stolen permanent key does not decrypt recorded traffic.
struct PfsOptions {
  AuthKey permanent;
  std::int32_t temp_key_lifetime_s = 24 * 3600;
};

// Keep-alive (core.telegram.org/mtproto/service_messages): ping_delay_disconnect every `ping_interval`, asking the
// server to close the connection `disconnect_delay_s` after the last ping unless another comes; the official
// clients ping every 60 s with 75 s. A ping followed by nothing at all from the server (no pong, no other byte)
// for `pong_timeout` means the peer or the path to it is gone without a FIN: the connection closes and its calls
// fail with connection_lost, so the caller reconnects. A zero interval sends no pings.
struct KeepAliveOptions {
  std::chrono::milliseconds ping_interval{60'000};
  std::int32_t disconnect_delay_s = 75;
  std::chrono::milliseconds pong_timeout{15'000};
};

struct ConnectionOptions {
  transport::TransportSpec transport;
  std::optional<transport::MtproxySecret> proxy;  // the connection goes through an MTProxy with this secret
  std::int16_t proxy_dc = 0;                      // the DC the MTProxy should forward to
  handshake::ClientOptions handshake;             // server keys, dc, temporary key lifetime
  session::ClientSessionOptions session;
  std::chrono::milliseconds handshake_timeout{10'000};
  std::optional<PfsOptions> pfs;
  // Ask the server to confirm each packet at the transport level (not possible on full transport).
  bool request_quick_acks = false;
  KeepAliveOptions keepalive;
  // Acks owed to the server leave at most this long after the message that needs one, even when no query comes
  // to carry them (a connection that only receives updates): the server re-sends what stays unacknowledged.
  // Zero: acks ride only on queries or leave when the session's ack threshold is reached.
  std::chrono::milliseconds ack_delay{300};
};

// What the connection saw, for `mtpipe probe`, metrics and tests.
struct ConnectionStats {
  std::chrono::nanoseconds handshake_time{0};
  int handshake_attempts = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;
  std::uint64_t quick_acks_requested = 0, quick_acks_received = 0;
  std::uint64_t keepalive_pings = 0;  // ping_delay_disconnect sent
  session::ClientSessionStats session;
};

// What the server sent unasked: an update (the boxed object), or the notice that it created a new session for
// us, after which updates may have been missed (core.telegram.org/api/updates).
struct Push {
  enum class Kind : std::uint8_t { update, new_session };
  Kind kind;
  std::vector<std::uint8_t> body;
};

// One TCP connection to a DC carrying one MTProto session: the transport codec, the handshake (when no key is
// given) and the encrypted session, driven by Asio coroutines on one executor (not thread-safe; everything
// runs on the connection's executor). call() sends a query and awaits its answer with a timeout; any number of
// calls may be in flight, and queries issued together go out together in one container.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  static std::shared_ptr<Connection> create(Socket socket, ConnectionOptions options, crypto::Rng& rng,
                                            const Clock& clock);
  ~Connection();

  // Runs the handshake unless `key` is given (with PFS: a temporary key, bound before this returns), then
  // starts reading. Throws ProtocolError when the server is
  // refused, CallError(timeout) when the handshake takes longer than the option says, and system errors.
  boost::asio::awaitable<HandshakeResult> start(std::optional<HandshakeResult> key = std::nullopt);

  // Sends one query (a boxed TL function) and returns the boxed answer. Throws CallError.
  boost::asio::awaitable<std::vector<std::uint8_t>> call(std::vector<std::uint8_t> query,
                                                         std::chrono::milliseconds timeout);

  // The typed form: sends `function` and decodes its result. Not a coroutine itself: `function` is
  // serialised before this returns, so a temporary argument may die before the call is awaited.
  template <class F>
  boost::asio::awaitable<typename F::Result> invoke(const F& function, std::chrono::milliseconds timeout) {
    return call_as<F>(tl::serialize(function), timeout);
  }

  // Receives what the server pushes, on the connection's executor. Set before start(); may be empty.
  void on_push(std::function<void(Push)> handler) { on_push_ = std::move(handler); }
  // Called once, posted to the connection's executor, when the connection closes for any reason while the
  // Connection object lives (not from its destructor). May be empty.
  void on_close(std::function<void()> handler) { on_close_ = std::move(handler); }
  // Sends a keep-alive ping now (the next one follows the interval from here): a reopened connection tells the
  // server at once that its session exists, so pushes reach it without waiting for a call.
  void ping_now();

  // Closes the socket; every waiting call fails with connection_lost. Idempotent.
  void close(const std::string& reason = "closed by the client");
  bool open() const noexcept { return !closed_; }
  // Why the connection closed (empty while open).
  const std::string& close_reason() const noexcept { return close_reason_; }
  // The security check that made us close the connection, if that is why it closed.
  std::optional<Refusal> refusal() const noexcept { return refusal_; }
  // The transport error the server closed with (-404: it does not know our auth key), if that is why it closed.
  std::optional<std::int32_t> transport_error() const noexcept { return transport_error_; }
  const ConnectionStats& stats() noexcept;
  const session::ClientSession* session() const noexcept { return session_ ? &*session_ : nullptr; }

 private:
  struct Waiter;
  template <class F>
  boost::asio::awaitable<typename F::Result> call_as(std::vector<std::uint8_t> query, std::chrono::milliseconds timeout) {
    const auto answer = co_await call(std::move(query), timeout);
    tl::Reader r(answer);
    co_return F::tl_read_result(r);
  }
  Connection(Socket socket, ConnectionOptions options, crypto::Rng& rng, const Clock& clock);

  boost::asio::awaitable<HandshakeResult> run_handshake();
  // One read from the socket, fed to the codec: the events land in inbound_.
  boost::asio::awaitable<void> read_inbound();
  // Throws ProtocolError(transport_error) when `in` is the server hanging up with a transport error code.
  void throw_if_transport_error(const transport::Inbound& in);
  void close_refused(const ProtocolError& e);
  boost::asio::awaitable<void> bind_temp_key(const HandshakeResult& temp);
  boost::asio::awaitable<std::vector<std::uint8_t>> await_answer(session::RequestId id, std::chrono::milliseconds timeout);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  boost::asio::awaitable<void> write_bytes(std::vector<std::uint8_t>& bytes);
  void kick_writer();
  // Arms the keep-alive timer for the next ping or the end of the wait for a pong, whichever comes first.
  void schedule_keepalive();
  void send_ping(std::chrono::steady_clock::time_point now);
  void keepalive_due();
  void arm_ack_timer();
  void watch_deadline(std::chrono::steady_clock::time_point deadline);
  void expire_waiters();
  void deliver(std::vector<session::SessionEvent>& events);
  void fail_all(CallError::Kind kind, const std::string& why);

  Socket socket_;
  ConnectionOptions options_;
  crypto::Rng& rng_;
  const Clock& clock_;
  transport::ClientCodec codec_;
  boost::asio::steady_timer deadline_timer_;  // fires at the earliest deadline of a waiting call
  bool deadline_armed_ = false;
  boost::asio::steady_timer keepalive_timer_;
  std::chrono::steady_clock::time_point next_ping_at_;
  session::RequestId ping_ = 0;  // the newest ping, cancelled in the session when the next one goes
  // Since when pings go unanswered: set by a ping, cleared by any byte received after it (bytes_at_ping_).
  std::optional<std::chrono::steady_clock::time_point> unanswered_since_;
  std::uint64_t bytes_at_ping_ = 0;
  std::int64_t next_ping_id_ = 0;
  boost::asio::steady_timer ack_timer_;  // flushes owed acks ack_delay after they became owed
  bool ack_armed_ = false;
  std::optional<session::ClientSession> session_;
  std::unordered_map<session::RequestId, Waiter*> waiters_;
  std::vector<std::uint8_t> read_buffer_;
  std::vector<transport::Inbound> inbound_;
  std::vector<session::SessionEvent> events_;
  std::vector<std::uint8_t> packet_, frame_;
  bool writing_ = false;
  bool closed_ = false;
  CallError::Kind close_kind_ = CallError::Kind::connection_lost;
  std::string close_reason_;
  std::optional<Refusal> refusal_;
  std::optional<std::int32_t> transport_error_;
  ConnectionStats stats_;
  std::function<void(Push)> on_push_;
  std::function<void()> on_close_;
};

}  // namespace mtpipe::mtproto
