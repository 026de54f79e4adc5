#include "sim/dc_connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
#include "sim/api.h"
#include "tl/serialize.h"
#include "tl/api.h"

namespace mtpipe::sim {
namespace asio = boost::asio;
using boost::system::error_code;
using mtproto::session::ServerSession;

namespace {

constexpr std::size_t kReadBuffer = 16 * 1024;

class DcConnection : public std::enable_shared_from_this<DcConnection> {
 public:
  DcConnection(asio::ip::tcp::socket socket, Dc& dc)
      : socket_(std::move(socket)), dc_(dc), codec_(crypto::system_rng(), dc.proxy_secrets),
        handshake_(dc.handshake, crypto::system_rng(), mtproto::system_clock(),
                   [&dc](std::uint64_t id) { return dc.keys.contains(id); }, dc.options->faults.handshake),
        disconnect_timer_(socket_.get_executor()) {}

  asio::awaitable<void> run() {
    ++dc_.stats.connections;
    ++dc_.stats.open_connections;
    std::vector<std::uint8_t> buffer(kReadBuffer);
    try {
      while (!closing_) {
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer), asio::use_awaitable);
        inbound_.clear();
        codec_.feed({buffer.data(), n}, inbound_);
        out_.clear();
        for (auto& in : inbound_) on_packet(in);
        if (!out_.empty()) co_await asio::async_write(socket_, asio::buffer(out_), asio::use_awaitable);
      }
    } catch (const mtproto::ProtocolError& e) {
      debug(std::string("closing: ") + e.what());
    } catch (const boost::system::system_error&) {
      // The client went away.
    }
    --dc_.stats.open_connections;
    error_code ignored;
    disconnect_timer_.cancel();
    socket_.close(ignored);
  }

 private:
  void debug(const std::string& message) const {
    if (obs::log_enabled(obs::Level::debug)) obs::log(obs::Level::debug, "sim.dc" + std::to_string(dc_.id), message);
  }

  void transport_error(std::int32_t code) {
    ++dc_.stats.transport_errors;
    codec_.encode_transport_error(code, out_);
  }

  void on_packet(const mtproto::transport::Inbound& in) {
    if (in.kind != mtproto::transport::Inbound::Kind::packet) return;
    if (mtproto::is_plain_packet(in.payload)) return on_handshake_packet(in.payload);
    on_encrypted_packet(in);
  }

  void on_handshake_packet(std::span<const std::uint8_t> packet) {
    auto reply = handshake_.on_packet(packet);
    using Kind = mtproto::handshake::ServerReply::Kind;
    if (reply.kind == Kind::transport_error) {
      debug("handshake refused (" + std::to_string(reply.error_code) + "): " + reply.note);
      return transport_error(reply.error_code);
    }
    if (reply.kind == Kind::done) {
      dc_.keys.add(*reply.result, now_s(), crypto::system_rng(), dc_.options->salt_period_s);
      ++dc_.stats.handshakes;
      debug(std::string("new ") + (reply.result->temporary ? "temporary" : "permanent") + " auth key");
    }
    codec_.encode(reply.packet, out_);
  }

  void on_encrypted_packet(const mtproto::transport::Inbound& in) {
    const std::uint64_t key_id = mtproto::session::packet_auth_key_id(in.payload);
    auto entry = dc_.keys.find(key_id);
    if (!entry || dc_.options->faults.transport_error_404) return transport_error(-404);
    const std::lock_guard lock(entry->mutex);
    mtproto::session::Opened opened;
    try {
      opened = mtproto::session::open(entry->state.key, crypto::MsgDirection::kClientToServer, in.payload, plain_);
    } catch (const mtproto::ProtocolError& e) {
      // Telegram drops what does not decrypt; so do we, and say why at debug level.
      ++dc_.stats.refused_packets;
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
                                             dc_.options->faults.session);
    ServerSession& session = *slot;
    if (existed && (bound_key_ != key_id || bound_session_ != session_id)) {
      // The session arrives over a new connection: what the client did not acknowledge goes out again.
      session.rebind();
    }
    bound_key_ = key_id;
    bound_session_ = session_id;
    const auto before = session.stats();
    queries_.clear();
    mtproto::session::ServerSignals signals;
    session.receive(opened, queries_, signals);
    dc_.stats.bad_server_salts += session.stats().bad_server_salts - before.bad_server_salts;
    dc_.stats.bad_msg_notifications += session.stats().bad_msg_notifications - before.bad_msg_notifications;

    for (const auto& q : queries_) answer(session, entry->state, q);
    for (const auto& [req_msg_id, target] : signals.destroy_session) destroy_session(*entry, session, target);
    if (signals.disconnect_delay_s) arm_disconnect(*signals.disconnect_delay_s);
    while (session.next_packet(packet_)) codec_.encode(packet_, out_);
  }

  void answer(ServerSession& session, mtproto::session::ServerKeyState& key, const mtproto::session::ServerQuery& q) {
    ++dc_.stats.queries;
    const ApiContext ctx{*dc_.cluster, dc_.id, key, now_s(), q.msg_id, session.session_id(), dc_.keys};
    const ApiAnswer a = answer_query(ctx, q.body);
    if (a.error_code != 0) {
      session.reply_error(q.msg_id, a.error_code, a.error_message);
    } else {
      session.reply(q.msg_id, a.result, a.gzip);
    }
    if (obs::log_enabled(obs::Level::debug))
      debug(a.method + " layer " + std::to_string(key.layer) + " -> " +
            (a.error_code ? std::to_string(a.error_code) + " " + a.error_message : "ok"));
    const auto rotate_after = dc_.options->salt_rotate_after;
    ++key.queries;
    if (rotate_after != 0 && key.queries % rotate_after == 0) key.salts.rotate_now();
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
      if (ec) return;
      self->closing_ = true;
      error_code ignored;
      self->socket_.close(ignored);
    });
  }

  static std::int64_t now_s() { return mtproto::system_clock().unix_ns() / mtproto::kNsPerSecond; }

  asio::ip::tcp::socket socket_;
  Dc& dc_;
  mtproto::transport::ServerCodec codec_;
  mtproto::handshake::ServerHandshake handshake_;
  asio::steady_timer disconnect_timer_;
  std::uint64_t bound_key_ = 0;  // the auth key and session this connection carried last
  std::int64_t bound_session_ = 0;
  bool closing_ = false;
  std::vector<mtproto::transport::Inbound> inbound_;
  std::vector<mtproto::session::ServerQuery> queries_;
  std::vector<std::uint8_t> out_, packet_, plain_;
};

}  // namespace

void serve_connection(asio::ip::tcp::socket socket, Dc& dc) {
  const auto executor = socket.get_executor();
  auto connection = std::make_shared<DcConnection>(std::move(socket), dc);
  asio::co_spawn(executor, [connection]() -> asio::awaitable<void> { co_await connection->run(); }, asio::detached);
}

}  // namespace mtpipe::sim
