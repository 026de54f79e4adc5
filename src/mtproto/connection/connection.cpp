#include "mtproto/connection/connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "async/cancelled.h"
#include "mtproto/connection/deadline_guard.h"
#include "mtproto/error.h"
#include "mtproto/handshake/temp_key_binding.h"
#include "mtproto/plain_message.h"
#include "obs/task_end.h"
#include "tl/api.h"

namespace mtpipe::mtproto {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kInitialReadBuffer = 4 * 1024;
constexpr std::size_t kMaxReadBuffer = 256 * 1024;

std::string transport_error_text(std::int32_t code) {
  switch (code) {
    case -404: return "transport error -404: the server does not know this auth key, or refused a handshake step";
    case -429: return "transport error -429: too many connections or requests (transport flood)";
    case -444: return "transport error -444: wrong DC (test/production mismatch, or a bad DC for the MTProxy)";
    default: return "transport error " + std::to_string(code);
  }
}

}  // namespace

// One call waiting for its answer. Lives in the calling coroutine's frame; the connection only points to it. Its
// slot waits without a deadline of its own (which would cost a timerfd_settime syscall per request): the deadlines
// are watched by one timer per connection, which fails the slot with a timeout.
struct Connection::Waiter {
  async::Slot<std::vector<std::uint8_t>> answer;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds timeout;
  bool timed_out = false;
};

std::shared_ptr<Connection> Connection::create(Socket socket, ConnectionOptions options, crypto::Rng& rng,
                                               const Clock& clock) {
  return std::shared_ptr<Connection>(new Connection(std::move(socket), std::move(options), rng, clock));
}

Connection::Connection(Socket socket, ConnectionOptions options, crypto::Rng& rng, const Clock& clock)
    : socket_(std::move(socket)), options_(std::move(options)), rng_(rng), clock_(clock),
      codec_(options_.transport, rng, options_.proxy, options_.proxy_dc), deadline_timer_(socket_.get_executor()),
      keepalive_timer_(socket_.get_executor()), ack_timer_(socket_.get_executor()) {}

Connection::~Connection() {
  on_close_ = nullptr;  // nobody may be told about an object that is going away
  close("connection destroyed");
}

const ConnectionStats& Connection::stats() noexcept {
  if (session_) stats_.session = session_->stats();
  return stats_;
}

asio::awaitable<void> Connection::write_bytes(std::vector<std::uint8_t>& bytes) {
  co_await asio::async_write(socket_, asio::buffer(bytes), asio::use_awaitable);
  stats_.bytes_sent += bytes.size();
}

asio::awaitable<HandshakeResult> Connection::run_handshake() {
  // A watchdog cancels the socket's operations when the handshake overruns; the pending read then fails. Its
  // state is not in this frame: a deadline that passes in the same turn as the last step finds the guard
  // disarmed, and cancels no read of the connection that goes on.
  DeadlineGuard watchdog(socket_.get_executor(), std::chrono::steady_clock::now() + options_.handshake_timeout, [this] {
    error_code ignored;
    socket_.cancel(ignored);
  });

  const auto started = std::chrono::steady_clock::now();
  auto handshake_options = options_.handshake;
  if (options_.pfs) handshake_options.expires_in = options_.pfs->temp_key_lifetime_s;
  handshake::ClientHandshake hs(std::move(handshake_options), rng_, clock_);
  frame_ = codec_.take_prefix();
  codec_.encode(hs.start(), false, frame_);
  ++stats_.handshake_attempts;
  try {
    co_await write_bytes(frame_);
    for (;;) {
      co_await read_inbound();
      for (auto& in : inbound_) {
        throw_if_transport_error(in);
        if (in.kind != transport::Inbound::Kind::packet) continue;
        auto step = hs.on_packet(in.payload);
        if (step.done()) {
          stats_.handshake_time = std::chrono::steady_clock::now() - started;
          co_return *step.result;
        }
        frame_.clear();
        codec_.encode(step.send, false, frame_);
        co_await write_bytes(frame_);
      }
    }
  } catch (const boost::system::system_error&) {
    if (watchdog.expired())
      throw CallError(CallError::Kind::timeout,
                      "handshake took longer than " + std::to_string(options_.handshake_timeout.count()) + " ms");
    throw;
  }
}

asio::awaitable<void> Connection::read_inbound() {
  if (read_buffer_.size() < kInitialReadBuffer) read_buffer_.resize(kInitialReadBuffer);
  const std::size_t n = co_await socket_.async_read_some(asio::buffer(read_buffer_), asio::use_awaitable);
  stats_.bytes_received += n;
  inbound_.clear();
  codec_.feed({read_buffer_.data(), n}, inbound_);
  // A full buffer means a big answer is streaming in: read it in fewer, larger pieces.
  if (n == read_buffer_.size() && read_buffer_.size() < kMaxReadBuffer) read_buffer_.resize(read_buffer_.size() * 2);
}

void Connection::throw_if_transport_error(const transport::Inbound& in) {
  if (in.kind != transport::Inbound::Kind::transport_error) return;
  transport_error_ = in.error_code;
  throw ProtocolError(Refusal::transport_error, transport_error_text(in.error_code));
}

void Connection::close_refused(const ProtocolError& e) {
  refusal_ = e.refusal();
  // A transport error is the server hanging up on us; anything else is us refusing the server.
  close_kind_ = e.refusal() == Refusal::transport_error ? CallError::Kind::connection_lost : CallError::Kind::refused;
  close(e.what());
}

asio::awaitable<HandshakeResult> Connection::start(std::optional<HandshakeResult> key) {
  HandshakeResult result;
  try {
    // An if, not `key ? *key : co_await ...`: g++ 12 evaluates a co_await inside ?: even when not chosen.
    if (key) {
      result = *key;
    } else {
      result = co_await run_handshake();
    }
  } catch (const ProtocolError& e) {
    close_refused(e);
    throw;
  } catch (const std::exception& e) {
    close(e.what());
    throw;
  }
  session_.emplace(result, rng_, clock_, options_.session);
  if (key) {
    frame_ = codec_.take_prefix();
    if (!frame_.empty()) co_await write_bytes(frame_);
  }
  asio::co_spawn(socket_.get_executor(), read_loop(shared_from_this()), obs::log_task_end("connection", "a read loop"));
  kick_writer();
  next_ping_at_ = std::chrono::steady_clock::now() + options_.keepalive.ping_interval;
  schedule_keepalive();
  if (options_.pfs && !key) co_await bind_temp_key(result);
  co_return result;
}

asio::awaitable<void> Connection::bind_temp_key(const HandshakeResult& temp) {
  const AuthKey permanent = options_.pfs->permanent;
  const std::int32_t expires_at = temp.expires_at;
  crypto::Rng& rng = rng_;
  // Built when packed: the encrypted inner message carries the request's own msg_id and session.
  const auto id = session_->send_built([permanent, temp_key = temp.key, expires_at, &rng](std::int64_t msg_id,
                                                                                           std::int64_t session_id) {
    const auto bind = handshake::make_bind_request(permanent, temp_key, session_id, expires_at, msg_id, rng);
    tl::api::auth::bindTempAuthKey request;
    request.perm_auth_key_id = bind.perm_auth_key_id;
    request.nonce = bind.nonce;
    request.expires_at = bind.expires_at;
    request.encrypted_message.assign(bind.encrypted_message.begin(), bind.encrypted_message.end());
    return tl::serialize(request);
  });
  kick_writer();
  const auto answer = co_await await_answer(id, options_.handshake_timeout);
  tl::Reader r(answer);
  if (!tl::api::auth::bindTempAuthKey::tl_read_result(r)) {
    close("auth.bindTempAuthKey answered false");
    throw CallError(CallError::Kind::rpc_error, "auth.bindTempAuthKey answered false");
  }
}

asio::awaitable<std::vector<std::uint8_t>> Connection::call(std::vector<std::uint8_t> query,
                                                            std::chrono::milliseconds timeout) {
  if (closed_) throw CallError(close_kind_, "connection closed: " + close_reason_);
  if (!session_) throw CallError(CallError::Kind::connection_lost, "call before the connection was started");
  const auto id = session_->send(std::move(query));
  kick_writer();
  co_return co_await await_answer(id, timeout);
}

asio::awaitable<std::vector<std::uint8_t>> Connection::await_answer(session::RequestId id,
                                                                    std::chrono::milliseconds timeout) {
  Waiter waiter{{}, std::chrono::steady_clock::now() + timeout, timeout};
  waiters_.emplace(id, &waiter);
  watch_deadline(waiter.deadline);
  std::exception_ptr failure;
  try {
    auto answer = co_await waiter.answer.wait("waiting for an answer");
    waiters_.erase(id);
    co_return answer;
  } catch (...) {
    failure = std::current_exception();
  }
  waiters_.erase(id);
  // A call that timed out or was cancelled is forgotten by the session too, so a late answer is dropped.
  if (session_ && (waiter.timed_out || async::is_cancellation(failure))) session_->cancel(id);
  std::rethrow_exception(failure);
}

void Connection::watch_deadline(std::chrono::steady_clock::time_point deadline) {
  if (deadline_armed_ && deadline >= deadline_timer_.expiry()) return;
  deadline_armed_ = true;
  deadline_timer_.expires_at(deadline);
  deadline_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    const auto self = weak.lock();
    if (!self || ec == asio::error::operation_aborted) return;
    self->deadline_armed_ = false;
    self->expire_waiters();
  });
}

void Connection::expire_waiters() {
  const auto now = std::chrono::steady_clock::now();
  auto next = std::chrono::steady_clock::time_point::max();
  for (auto& [id, waiter] : waiters_) {
    if (waiter->answer.ready()) continue;
    if (waiter->deadline <= now) {
      waiter->timed_out = true;
      waiter->answer.set_error(std::make_exception_ptr(
          CallError(CallError::Kind::timeout, "no answer within " + std::to_string(waiter->timeout.count()) + " ms")));
    } else {
      next = std::min(next, waiter->deadline);
    }
  }
  if (next != std::chrono::steady_clock::time_point::max()) watch_deadline(next);
}

void Connection::kick_writer() {
  if (writing_ || closed_ || !session_ || !session_->has_output()) return;
  writing_ = true;
  // Spawned, not run inline: queries issued in the same turn of the event loop then share one packet, and a
  // caller that cancels its call cannot cancel a write that carries other callers' queries too.
  asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), obs::log_task_end("connection", "a writer"));
}

asio::awaitable<void> Connection::write_loop(std::shared_ptr<Connection> /*keep_alive*/) {
  try {
    while (!closed_ && session_->next_packet(packet_)) {
      frame_.clear();
      if (codec_.encode(packet_, options_.request_quick_acks, frame_)) ++stats_.quick_acks_requested;
      co_await write_bytes(frame_);
    }
  } catch (const std::exception& e) {
    close(std::string("write failed: ") + e.what());
  }
  writing_ = false;
}

asio::awaitable<void> Connection::read_loop(std::shared_ptr<Connection> /*keep_alive*/) {
  try {
    while (!closed_) {
      co_await read_inbound();
      events_.clear();
      // A packet that is refused ends the connection, but what the packets before it in the same read said was
      // accepted and is delivered first: their callers get their answers. A refused packet's own events (from
      // its messages before the bad one) are not.
      std::optional<ProtocolError> refused;
      for (auto& in : inbound_) {
        const std::size_t accepted = events_.size();
        try {
          throw_if_transport_error(in);
          if (in.kind == transport::Inbound::Kind::packet) session_->receive(in.payload, events_);
        } catch (const ProtocolError& e) {
          events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(accepted), events_.end());
          refused = e;
          break;
        }
        if (in.kind == transport::Inbound::Kind::quick_ack) ++stats_.quick_acks_received;
      }
      deliver(events_);
      if (refused) throw *refused;
      kick_writer();
      arm_ack_timer();
    }
  } catch (const ProtocolError& e) {
    close_refused(e);
  } catch (const std::exception& e) {
    close(e.what());
  }
}

void Connection::schedule_keepalive() {
  const auto& k = options_.keepalive;
  auto at = std::chrono::steady_clock::time_point::max();
  if (k.ping_interval.count() > 0) at = next_ping_at_;
  if (unanswered_since_) at = std::min(at, *unanswered_since_ + k.pong_timeout);
  if (at == std::chrono::steady_clock::time_point::max()) return;
  keepalive_timer_.expires_at(at);
  keepalive_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    const auto self = weak.lock();
    if (!self || ec == asio::error::operation_aborted || self->closed_) return;
    self->keepalive_due();
  });
}

void Connection::ping_now() {
  if (closed_ || !session_) return;
  send_ping(std::chrono::steady_clock::now());
  schedule_keepalive();
}

void Connection::send_ping(std::chrono::steady_clock::time_point now) {
  if (ping_ != 0) session_->cancel(ping_);  // only the newest ping's pong is awaited
  tl::mt::ping_delay_disconnect ping;
  ping.ping_id = next_ping_id_++;
  ping.disconnect_delay = options_.keepalive.disconnect_delay_s;
  ping_ = session_->send(tl::serialize(ping));
  ++stats_.keepalive_pings;
  if (!unanswered_since_) {
    unanswered_since_ = now;
    bytes_at_ping_ = stats_.bytes_received;
  }
  next_ping_at_ = now + options_.keepalive.ping_interval;
  kick_writer();
}

void Connection::keepalive_due() {
  const auto now = std::chrono::steady_clock::now();
  // Any byte from the server since the first unanswered ping proves the path alive (a large answer may still be
  // streaming in ahead of the pong).
  if (unanswered_since_ && stats_.bytes_received != bytes_at_ping_) unanswered_since_.reset();
  if (unanswered_since_ && now >= *unanswered_since_ + options_.keepalive.pong_timeout) {
    close("no answer to a keep-alive ping within " + std::to_string(options_.keepalive.pong_timeout.count()) +
          " ms: the server or the path to it is gone");
    return;
  }
  if (options_.keepalive.ping_interval.count() > 0 && now >= next_ping_at_) send_ping(now);
  schedule_keepalive();
}

void Connection::arm_ack_timer() {
  if (ack_armed_ || closed_ || options_.ack_delay.count() <= 0 || !session_->owes_acks()) return;
  ack_armed_ = true;
  ack_timer_.expires_after(options_.ack_delay);
  ack_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    const auto self = weak.lock();
    if (!self || ec == asio::error::operation_aborted) return;
    self->ack_armed_ = false;
    if (self->closed_) return;
    self->session_->flush_acks();
    self->kick_writer();
  });
}

void Connection::deliver(std::vector<session::SessionEvent>& events) {
  const auto waiting = [this](session::RequestId id) -> Waiter* {
    const auto it = waiters_.find(id);
    return it == waiters_.end() || it->second->answer.ready() ? nullptr : it->second;
  };
  for (auto& event : events) {
    if (auto* r = std::get_if<session::RpcResult>(&event)) {
      if (Waiter* w = waiting(r->id)) {
        w->answer.set_value(std::move(r->body));
      }
    } else if (auto* e = std::get_if<session::RpcError>(&event)) {
      if (Waiter* w = waiting(e->id)) {
        w->answer.set_error(std::make_exception_ptr(CallError::rpc(e->code, e->message)));
      }
    }
    else if (auto* u = std::get_if<session::Update>(&event)) {
      if (on_push_) on_push_(Push{Push::Kind::update, std::move(u->body)});
    } else if (std::holds_alternative<session::NewSession>(event)) {
      if (on_push_) on_push_(Push{Push::Kind::new_session, {}});
    }
  }
}

void Connection::fail_all(CallError::Kind kind, const std::string& why) {
  for (auto& [id, waiter] : waiters_) {
    waiter->answer.set_error(std::make_exception_ptr(CallError(kind, why)));
  }
}

void Connection::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = reason;
  error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  deadline_timer_.cancel();
  keepalive_timer_.cancel();
  ack_timer_.cancel();
  fail_all(close_kind_, "connection closed: " + reason);
  if (on_close_) asio::post(socket_.get_executor(), std::exchange(on_close_, nullptr));
}

}  // namespace mtpipe::mtproto
