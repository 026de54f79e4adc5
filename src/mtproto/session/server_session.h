#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/session/message_unpack.h"
#include "mtproto/session/packet_crypto.h"
#include "mtproto/session/replay_window.h"
#include "mtproto/session/sequencer.h"
#include "mtproto/session/server_salts.h"

namespace mtpipe::mtproto::session {

// What the server knows about one auth key, shared by all its sessions.
struct ServerKeyState {
  ServerKeyState(const HandshakeResult& handshake, std::int64_t now_s, crypto::Rng& rng, std::int32_t salt_period_s)
      : key(handshake.key), salts(handshake.server_salt, now_s, rng, salt_period_s),
        temporary(handshake.temporary), expires_at(handshake.expires_at) {}
  AuthKey key;
  ServerSalts salts;
  bool temporary = false;
  std::int32_t expires_at = 0;
  std::int32_t layer = 0;              // from invokeWithLayer; 0 until the client said
  std::uint64_t bound_perm_key_id = 0; // auth.bindTempAuthKey
  std::uint64_t queries = 0;           // RPC queries answered (the DC counts them), for the salt-rotation hook
};

// Ways a server session misbehaves on purpose, so client negative tests can provoke every refusal.
enum class SessionFault : std::uint8_t {
  bad_msg_key,          // msg_key of outgoing packets corrupted
  wrong_session_id,     // outgoing messages carry another session_id
  old_msg_id,           // outgoing msg_ids 400 s in the past
  replay_msg_id,        // every outgoing packet is sent twice
  foreign_auth_key_id,  // outgoing packets name another auth_key_id
};
using SessionFaults = std::uint32_t;  // bit i set = SessionFault(i) active
inline constexpr SessionFaults fault_bit(SessionFault f) noexcept { return 1u << static_cast<unsigned>(f); }

// An RPC query for the application (the DC): the boxed function with every service layer removed, gzip
// inflated; the application unwraps invokeWithLayer and friends itself.
struct ServerQuery {
  std::int64_t msg_id;
  std::vector<std::uint8_t> body;
};

// Signals from a client message that only the connection or the DC can act on.
struct ServerSignals {
  std::optional<std::int32_t> disconnect_delay_s;  // ping_delay_disconnect
  std::vector<std::pair<std::int64_t, std::int64_t>> destroy_session;  // (req_msg_id, session_id to destroy)
};

struct ServerSessionStats {
  std::uint64_t bad_server_salts = 0, bad_msg_notifications = 0, duplicates = 0, queries = 0;
  // Updates pushed (first sendings), acknowledged, sent again for want of an ack, and unacknowledged for longer
  // than PushPolicy::late_after_ns (each counted once); the longest any push waited for its ack, as seen at its
  // ack or, for one still waiting, at the last audit_pushes().
  std::uint64_t pushes = 0, pushes_acked = 0, pushes_resent = 0, pushes_late = 0;
  std::int64_t longest_push_wait_ns = 0;
};

// How the session watches the updates it pushes; zero switches a part off. A push still unacknowledged
// `resend_after_ns` after it was last sent goes out again under its own msg_id and seq_no, inside a container
// (the rule for re-sends: never alone under an old msg_id); one unacknowledged for longer than `late_after_ns`
// counts as late.
struct PushPolicy {
  std::int64_t resend_after_ns = 0;
  std::int64_t late_after_ns = 0;
};

// The server side of one MTProto session, without I/O: checks each message the DC opened for it (msg_id
// parity and window, salt, seq_no parity, duplicates), answers the service messages itself (pong,
// future_salts, msgs_state_info, new_session_created, bad_server_salt, bad_msg_notification), hands RPC
// queries to the application and packs its replies, acks and pushes into encrypted packets.
class ServerSession {
 public:
  ServerSession(ServerKeyState& key, std::int64_t session_id, crypto::Rng& rng, const Clock& clock,
                SessionFaults faults = 0, PushPolicy push_policy = {});

  std::int64_t session_id() const noexcept { return session_id_; }
  ServerKeyState& key_state() noexcept { return key_; }
  const ServerSessionStats& stats() const noexcept { return stats_; }

  // Handles one opened packet of this session (the DC already decrypted it with the key and checked msg_key).
  void receive(const Opened& opened, std::vector<ServerQuery>& queries, ServerSignals& signals);

  // rpc_result for a query; gzip is used when asked and it makes the result smaller.
  void reply(std::int64_t req_msg_id, std::span<const std::uint8_t> result, bool gzip = false);
  void reply_error(std::int64_t req_msg_id, std::int32_t code, std::string_view message);
  // A message that answers a query but travels without rpc_result (destroy_session_ok and the like).
  void reply_raw(std::span<const std::uint8_t> body);
  // A server-initiated content-related message (updates).
  void push(std::span<const std::uint8_t> body);

  bool has_output() const noexcept { return !out_.empty() || replay_pending_; }
  // Packs what is queued into one encrypted packet (a container when more than one message).
  bool next_packet(std::vector<std::uint8_t>& out);

  // A new connection carries this session now: what the client has not acknowledged goes out again.
  void rebind();

  // Applies the PushPolicy to the pushes waiting for their ack now: queues those due for a re-send, counts the
  // late ones. Returns when the next one falls due (unix ns by the session's clock), 0 when no push waits.
  std::int64_t audit_pushes();

 private:
  struct Out {
    std::vector<std::uint8_t> body;
    bool content;
    MsgIdKind kind;
    std::int64_t sent_id = 0;
    std::int32_t sent_seq_no = 0;
    bool pushed = false;     // an update, watched by the PushPolicy
    bool resend = false;     // queued again under sent_id and sent_seq_no
    bool late = false;       // counted in pushes_late
    std::int64_t first_sent_ns = 0, last_sent_ns = 0;
  };
  void queue(std::vector<std::uint8_t> body, bool content, MsgIdKind kind);
  void acked(const std::vector<std::int64_t>& msg_ids);
  // Counts how long `o` waits for its ack at `now_ns`, and whether that is late.
  void note_push_wait(Out& o, std::int64_t now_ns);
  void bad_msg(std::int64_t msg_id, std::int32_t seq_no, std::int32_t code);
  void pong(std::int64_t ping_msg_id, std::int64_t ping_id);
  void handle(const InMessage& m, std::vector<ServerQuery>& queries, ServerSignals& signals);

  ServerKeyState& key_;
  std::int64_t session_id_;
  crypto::Rng& rng_;
  const Clock& clock_;
  SessionFaults faults_;
  PushPolicy push_policy_;
  Sequencer sequencer_{MsgIdKind::server_response};
  ReplayWindow seen_;
  bool created_ = false;
  std::vector<Out> out_;
  std::vector<Out> unacked_;  // content-related messages sent but not acknowledged, kept for a re-send
  std::vector<std::uint8_t> body_;
  std::vector<std::uint8_t> last_packet_;  // for the replay_msg_id fault
  bool replay_pending_ = false;
  Unpacked unpacked_;
  ServerSessionStats stats_;
};

}  // namespace mtpipe::mtproto::session
