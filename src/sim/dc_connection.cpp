#include "sim/dc_connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <random>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "crypto/random.h"
#include "mtproto/clock.h"
#include "mtproto/error.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/plain_message.h"
#include "mtproto/session/packet_crypto.h"
#include "mtproto/transport/quick_ack.h"
#include "mtproto/transport/server_codec.h"
#include "obs/log.h"
#include "obs/task_end.h"
#include "sim/api.h"
#include "sim/api_handlers.h"
#include "tl/serialize.h"
#include "tl/api.h"

namespace mtpipe::sim {
namespace asio = boost::asio;
using boost::system::error_code;
using mtproto::session::ServerSession;

namespace {

constexpr std::size_t kReadBuffer = 16 * 1024;

class DcConnection final : public PushTarget, public std::enable_shared_from_this<DcConnection> {
 public:
  // `dc` null: an MTProxy connection, whose DC the obfuscated header names (`find_dc` looks it up).
  DcConnection(asio::ip::tcp::socket socket, Dc* dc, std::span<const mtproto::transport::MtproxySecret> secrets,
               std::function<Dc*(std::int32_t)> find_dc)
      : socket_(std::move(socket)), fd_(socket_.native_handle()), codec_(crypto::system_rng(), secrets),
        find_dc_(std::move(find_dc)),
        disconnect_timer_(socket_.get_executor()), push_audit_timer_(socket_.get_executor()) {
    if (dc != nullptr) attach(*dc);
  }

  asio::awaitable<void> run() {
    std::vector<std::uint8_t> buffer(kReadBuffer);
    try {
      while (!closing_) {
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer), asio::use_awaitable);
        inbound_.clear();
        codec_.feed({buffer.data(), n}, inbound_);
        codec_.take_handshake_reply(out_);  // a fake-TLS server hello goes out now: some clients wait for it
        if (!choose_dc()) break;
        for (auto& in : inbound_) on_packet(in);
        if (!writing_) co_await drain();
      }
    } catch (const mtproto::ProtocolError& e) {
      debug(std::string("closing: ") + e.what());
    } catch (const boost::system::system_error&) {
      // The client went away.
    }
    if (dc_ != nullptr) --dc_->stats.open_connections;
    disconnect_timer_.cancel();
    push_audit_timer_.cancel();
    close_socket();
  }

  // PushTarget: asked by the world, under its lock, whether the client hung up on this connection (its FIN
  // waits in the socket unread). A client that drops a connection and opens another has closed the old one
  // before, so this tells an honest reconnect from one key used in two places.
  bool peer_closed() const override {
    std::uint8_t byte = 0;
    const ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }

 private:
  void attach(Dc& dc) {
    dc_ = &dc;
    handshake_.emplace(dc.handshake, crypto::system_rng(), mtproto::system_clock(),
                       [&dc](std::uint64_t id) { return dc.keys.contains(id); }, dc.options->faults.handshake);
    ++dc.stats.connections;
    ++dc.stats.open_connections;
  }

  // An MTProxy connection is served by the DC its obfuscated header names: negative ids (media DCs) and test
  // DCs (+10000) are folded onto the plain id. False: close, the DC is not one of ours.
  bool choose_dc() {
    if (dc_ != nullptr) return true;
    const auto named = codec_.dc_id();
    if (!named) return inbound_.empty();  // the header is not complete yet
    const std::int32_t id = std::abs(static_cast<std::int32_t>(*named)) % 10000;
    Dc* dc = find_dc_ ? find_dc_(id) : nullptr;
    if (dc == nullptr) {
      if (obs::log_enabled(obs::Level::debug))
        obs::log(obs::Level::debug, "sim.mtproxy", "closing: the header names DC " + std::to_string(*named) + ", not ours");
      return false;
    }
    attach(*dc);
    return true;
  }

  // Writes what is queued until nothing is; one drain runs at a time (the read loop's or one spawned by a push).
  asio::awaitable<void> drain() {
    writing_ = true;
    while (!out_.empty() && !closing_) {
      sending_.swap(out_);
      out_.clear();
      co_await asio::async_write(socket_, asio::buffer(sending_), asio::use_awaitable);
    }
    writing_ = false;
  }

  void debug(const std::string& message) const {
    if (obs::log_enabled(obs::Level::debug))
      obs::log(obs::Level::debug, "sim.dc" + std::to_string(dc_ != nullptr ? dc_->id : 0), message);
  }

  void transport_error(std::int32_t code) {
    ++dc_->stats.transport_errors;
    codec_.encode_transport_error(code, out_);
  }

  void on_packet(const mtproto::transport::Inbound& in) {
    if (in.kind != mtproto::transport::Inbound::Kind::packet) return;
    if (mtproto::is_plain_packet(in.payload)) return on_handshake_packet(in.payload);
    on_encrypted_packet(in);
  }

  void on_handshake_packet(std::span<const std::uint8_t> packet) {
    auto reply = handshake_->on_packet(packet);
    using Kind = mtproto::handshake::ServerReply::Kind;
    if (reply.kind == Kind::transport_error) {
      debug("handshake refused (" + std::to_string(reply.error_code) + "): " + reply.note);
      return transport_error(reply.error_code);
    }
    if (reply.kind == Kind::done) {
      dc_->keys.add(*reply.result, now_s(), crypto::system_rng(), dc_->options->salt_period_s);
      ++dc_->stats.handshakes;
      debug(std::string("new ") + (reply.result->temporary ? "temporary" : "permanent") + " auth key");
    }
    codec_.encode(reply.packet, out_);
  }

  void on_encrypted_packet(const mtproto::transport::Inbound& in) {
    const std::uint64_t key_id = mtproto::session::packet_auth_key_id(in.payload);
    auto entry = dc_->keys.find(key_id);
    if (!entry || dc_->options->faults.transport_error_404) return transport_error(-404);
    const std::lock_guard lock(entry->mutex);
    mtproto::session::Opened opened;
    try {
      opened = mtproto::session::open(entry->state.key, crypto::MsgDirection::kClientToServer, in.payload, plain_);
    } catch (const mtproto::ProtocolError& e) {
      // Telegram drops what does not decrypt; so do we, and say why at debug level.
      ++dc_->stats.refused_packets;
      debug(std::string("dropped packet: ") + e.what());
      return;
    }
    if (in.quick_ack_requested)
      codec_.encode_quick_ack(mtproto::transport::quick_ack_token(opened.msg_key_large), out_);

    const std::int64_t session_id = opened.header.session_id;
    auto& slot = entry->sessions[session_id];
    const bool existed = slot != nullptr;
    if (!existed)
      slot = std::make_unique<ServerSession>(entry->state, session_id, crypto::system_rng(), mtproto::system_clock(),
                                             dc_->options->faults.session, push_policy());
    ServerSession& session = *slot;
    if (existed && (bound_key_ != key_id || bound_session_ != session_id)) {
      // The session arrives over a new connection: what the client did not acknowledge goes out again.
      session.rebind();
    }
    bound_key_ = key_id;
    bound_session_ = session_id;
    track_key(entry->state, session_id);
    const auto before = session.stats();
    queries_.clear();
    mtproto::session::ServerSignals signals;
    session.receive(opened, queries_, signals);
    dc_->stats.bad_server_salts += session.stats().bad_server_salts - before.bad_server_salts;
    dc_->stats.bad_msg_notifications += session.stats().bad_msg_notifications - before.bad_msg_notifications;

    for (const auto& q : queries_) answer(session, entry, q);
    for (const auto& [req_msg_id, target] : signals.destroy_session) destroy_session(*entry, session, target);
    if (signals.disconnect_delay_s) arm_disconnect(*signals.disconnect_delay_s);
    encode_output(session, before);
  }

  // Tells the world which key and session this connection carries (for pushes and AUTH_KEY_DUPLICATED); only
  // on a change, so tracking itself costs no world lock per packet (each query still takes it to check the key).
  void track_key(const mtproto::session::ServerKeyState& key, std::int64_t session_id) {
    const KeyRef ref{dc_->id, key.temporary && key.bound_perm_key_id != 0 ? key.bound_perm_key_id : key.key.id};
    if (ref == key_ref_ && session_id == tracked_session_) return;
    key_ref_ = ref;
    tracked_session_ = session_id;
    dc_->world->attach(this, ref, session_id, weak_from_this());
  }

  // Computes the answer now (the world sees queries in the order they arrive) and sends it now or, with
  // --latency, later.
  void answer(ServerSession& session, const std::shared_ptr<KeyEntry>& entry, const mtproto::session::ServerQuery& q) {
    const auto nth = ++dc_->stats.queries;
    if (closing_) return;
    if (const auto every = dc_->options->kill_every; every != 0 && nth % every == 0) {
      // The connection dies with this query unanswered: the read loop ends and closes the socket; nothing
      // queued is written any more.
      ++dc_->stats.connections_killed;
      closing_ = true;
      debug("fault: connection killed instead of answering");
      return;
    }
    const auto delay = draw_latency();
    if (dc_->world->duplicated(this)) {
      ++dc_->stats.auth_key_duplicated;
      debug("query refused: AUTH_KEY_DUPLICATED");
      return send_answer(session, entry, q.msg_id, api_error(406, "AUTH_KEY_DUPLICATED", ""), 0, delay);
    }
    auto& key = entry->state;
    const ApiContext ctx{*dc_->cluster, dc_->id, key, now_s(), q.msg_id, session.session_id(), dc_->keys, *dc_->world,
                         key_ref_};
    ApiAnswer a = answer_query(ctx, q.body);
    const std::int64_t user_id = dc_->world->query_arrived(key_ref_, a.method, delay.count() == 0);
    if (obs::log_enabled(obs::Level::debug))
      debug(a.method + " layer " + std::to_string(key.layer) + " -> " +
            (a.error_code ? std::to_string(a.error_code) + " " + a.error_message : "ok"));
    const auto rotate_after = dc_->options->salt_rotate_after;
    ++key.queries;
    if (rotate_after != 0 && key.queries % rotate_after == 0) key.salts.rotate_now();
    send_answer(session, entry, q.msg_id, std::move(a), user_id, delay);
  }

  // How long the next query waits for its answer (--latency): a uniform draw when a range is given.
  std::chrono::milliseconds draw_latency() {
    const Latency& latency = dc_->options->latency;
    if (latency.min_ms == latency.max_ms) return std::chrono::milliseconds(latency.min_ms);
    if (!latency_rng_) {
      std::uint32_t seed = 0;
      crypto::system_rng().fill({reinterpret_cast<std::uint8_t*>(&seed), sizeof seed});
      latency_rng_.emplace(seed);
    }
    return std::chrono::milliseconds(std::uniform_int_distribution<std::int32_t>(latency.min_ms, latency.max_ms)(*latency_rng_));
  }

  // Replies at once, or after `delay` from a timer on this connection's executor, so the connection keeps reading
  // and answering other queries meanwhile. A reply whose connection closed or whose session was destroyed in the
  // meantime is dropped. `user_id` (non-zero) is the account whose in-flight count the reply ends.
  void send_answer(ServerSession& session, const std::shared_ptr<KeyEntry>& entry, std::int64_t msg_id, ApiAnswer a,
                   std::int64_t user_id, std::chrono::milliseconds delay) {
    if (delay.count() == 0) return reply(session, msg_id, a);
    const std::uint64_t id = user_id != 0 ? ++last_delayed_id_ : 0;  // 0: no account's in-flight count to end
    if (id != 0) delayed_.emplace(id, user_id);
    auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor(), delay);
    timer->async_wait([self = shared_from_this(), timer, entry, session_id = session.session_id(), msg_id,
                       a = std::move(a), id](error_code) {
      self->end_in_flight(id);
      self->deliver(*entry, session_id, [&](ServerSession& s) { reply(s, msg_id, a); });
    });
  }

  // The delayed answer `id` is sent or dropped: its account has one query fewer in flight (once: a close ended
  // them all already).
  void end_in_flight(std::uint64_t id) {
    const auto it = delayed_.find(id);
    if (it == delayed_.end()) return;
    dc_->world->query_answered(it->second);
    delayed_.erase(it);
  }

  static void reply(ServerSession& session, std::int64_t msg_id, const ApiAnswer& a) {
    if (a.error_code != 0) {
      session.reply_error(msg_id, a.error_code, a.error_message);
    } else {
      session.reply(msg_id, a.result, a.gzip);
    }
  }

  // PushTarget: called from any thread; the update goes out on this connection's executor.
  void push(std::vector<std::uint8_t> updates) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), updates = std::move(updates)] { self->send_update(updates); });
  }

  void send_update(const std::vector<std::uint8_t>& updates) {
    if (closing_ || bound_key_ == 0) return;
    const auto entry = dc_->keys.find(bound_key_);
    if (!entry) return;
    deliver(*entry, bound_session_, [&](ServerSession& s) { s.push(updates); });
  }

  mtproto::session::PushPolicy push_policy() const {
    constexpr std::int64_t kNsPerMs = 1'000'000;
    return {dc_->options->push_resend_after_ms * kNsPerMs, dc_->options->push_ack_late_after_ms * kNsPerMs};
  }

  // Applies the bound session's PushPolicy at `due_ns` (unix ns; unless a check comes sooner already). Each check
  // asks for the next, until no update waits for its ack.
  void audit_pushes_at(std::int64_t due_ns) {
    const auto at = std::chrono::steady_clock::now() + std::chrono::nanoseconds(due_ns - mtproto::system_clock().unix_ns());
    if (push_audit_armed_ && push_audit_timer_.expiry() <= at) return;
    push_audit_armed_ = true;
    push_audit_timer_.expires_at(at);
    push_audit_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return;
      self->push_audit_armed_ = false;
      if (self->closing_ || self->bound_key_ == 0) return;
      if (const auto entry = self->dc_->keys.find(self->bound_key_))
        self->deliver(*entry, self->bound_session_, [](ServerSession&) {});
    });
  }

  // Encodes what `session` (locked by the caller) has queued for this connection, re-sends included: updates just
  // sent, or sent before and still unacknowledged, fall due later (late, or for a re-send), and those due now
  // are queued again at once. Reports to the world what happened to pushes since the stats were `before`.
  void encode_output(ServerSession& session, const mtproto::session::ServerSessionStats& before) {
    while (session.next_packet(packet_)) codec_.encode(packet_, out_);
    const std::int64_t next_due_ns = session.audit_pushes();
    while (session.next_packet(packet_)) codec_.encode(packet_, out_);
    report_push_acks(before, session.stats());
    if (next_due_ns != 0) audit_pushes_at(next_due_ns);
  }

  // Tells the world what the session's pushed updates went through since `before`.
  void report_push_acks(const mtproto::session::ServerSessionStats& before,
                        const mtproto::session::ServerSessionStats& after) {
    const PushAcks seen{after.pushes - before.pushes, after.pushes_acked - before.pushes_acked,
                        after.pushes_resent - before.pushes_resent, after.pushes_late - before.pushes_late,
                        after.longest_push_wait_ns / 1'000'000};
    if (seen.pushed == 0 && seen.acked == 0 && seen.resent == 0 && seen.late == 0 &&
        after.longest_push_wait_ns == before.longest_push_wait_ns)
      return;
    dc_->world->count_push_acks(seen);
  }

  // Outside the read loop (a push, a delayed answer, a push audit): lets `fill` queue messages in session
  // `session_id` of `entry` under the key's lock, encodes them for this connection and writes them out.
  template <class Fill>
  void deliver(KeyEntry& entry, std::int64_t session_id, const Fill& fill) {
    if (closing_) return;
    {
      const std::lock_guard lock(entry.mutex);
      const auto it = entry.sessions.find(session_id);
      if (it == entry.sessions.end()) return;
      ServerSession& session = *it->second;
      const auto before = session.stats();
      fill(session);
      encode_output(session, before);
    }
    if (writing_) return;  // the running drain picks it up
    asio::co_spawn(socket_.get_executor(), [self = shared_from_this()]() -> asio::awaitable<void> {
      try {
        co_await self->drain();
      } catch (const boost::system::system_error&) {
        self->writing_ = false;
        self->close_socket();
      }
    }, obs::log_task_end("sim", "a connection's writer"));
  }

  void destroy_session(KeyEntry& entry, ServerSession& current, std::int64_t target) {
    const bool found = target != current.session_id() && entry.sessions.erase(target) > 0;
    if (found) {
      tl::mt::destroy_session_ok ok;
      ok.session_id = target;
      current.reply_raw(tl::serialize(ok));
    } else {
      tl::mt::destroy_session_none none;
      none.session_id = target;
      current.reply_raw(tl::serialize(none));
    }
  }

  // ping_delay_disconnect: close unless another ping comes within `seconds`.
  void arm_disconnect(std::int32_t seconds) {
    disconnect_timer_.expires_after(std::chrono::seconds(std::max(seconds, 1)));
    disconnect_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->closing_) return;
      ++self->dc_->stats.ping_timeouts;
      self->debug("closing: no ping within the delay the client set");
      self->close_socket();
    });
  }

  // Every close goes through here: the world forgets the connection first, so while it is attached its socket
  // (fd_) is open, which peer_closed relies on.
  void close_socket() {
    if (dc_ != nullptr) dc_->world->detach(this);
    // Answers still delayed will never reach the client, which re-sends the queries on its next connection: they
    // are in flight no more, or the sim would count them twice until their timers ran.
    for (const auto& [id, user_id] : delayed_) dc_->world->query_answered(user_id);
    delayed_.clear();
    closing_ = true;
    error_code ignored;
    socket_.close(ignored);
  }

  static std::int64_t now_s() { return mtproto::system_clock().unix_ns() / mtproto::kNsPerSecond; }

  asio::ip::tcp::socket socket_;
  const int fd_;  // the socket's descriptor, read by peer_closed from other threads
  Dc* dc_ = nullptr;
  mtproto::transport::ServerCodec codec_;
  std::function<Dc*(std::int32_t)> find_dc_;
  std::optional<mtproto::handshake::ServerHandshake> handshake_;
  asio::steady_timer disconnect_timer_;
  asio::steady_timer push_audit_timer_;  // the next time a pushed update of the bound session falls due
  bool push_audit_armed_ = false;
  std::uint64_t bound_key_ = 0;  // the auth key and session this connection carried last
  std::int64_t bound_session_ = 0;
  KeyRef key_ref_;  // what the world was told last
  std::int64_t tracked_session_ = 0;
  bool closing_ = false;
  bool writing_ = false;
  std::optional<std::minstd_rand> latency_rng_;  // drawn only for a --latency range
  std::map<std::uint64_t, std::int64_t> delayed_;  // delayed answers of logged-in accounts not sent yet -> user id
  std::uint64_t last_delayed_id_ = 0;
  std::vector<mtproto::transport::Inbound> inbound_;
  std::vector<mtproto::session::ServerQuery> queries_;
  std::vector<std::uint8_t> out_, sending_, packet_, plain_;
};

}  // namespace

namespace {

void spawn(std::shared_ptr<DcConnection> connection, const asio::any_io_executor& executor) {
  asio::co_spawn(executor, [connection]() -> asio::awaitable<void> { co_await connection->run(); },
                 obs::log_task_end("sim", "a connection"));
}

}  // namespace

void serve_connection(asio::ip::tcp::socket socket, Dc& dc) {
  const auto executor = socket.get_executor();
  spawn(std::make_shared<DcConnection>(std::move(socket), &dc, std::span<const mtproto::transport::MtproxySecret>{},
                                       nullptr),
        executor);
}

void serve_mtproxy_connection(asio::ip::tcp::socket socket, std::span<const mtproto::transport::MtproxySecret> secrets,
                              std::function<Dc*(std::int32_t)> find_dc) {
  const auto executor = socket.get_executor();
  spawn(std::make_shared<DcConnection>(std::move(socket), nullptr, secrets, std::move(find_dc)), executor);
}

}  // namespace mtpipe::sim
