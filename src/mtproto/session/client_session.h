#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/session/message_unpack.h"
#include "mtproto/session/replay_window.h"
#include "mtproto/session/sequencer.h"

namespace mtpipe::tl::mt {
struct bad_server_salt;
struct bad_msg_notification;
}  // namespace mtpipe::tl::mt

namespace mtpipe::mtproto::session {

// Identifies one query across re-sends (a query keeps its RequestId when it gets a new msg_id).
using RequestId = std::uint64_t;

struct ClientSessionOptions {
  std::size_t max_container_bytes = 512 * 1024;  // a larger query goes alone
  std::size_t gzip_min_bytes = 512;               // gzip query bodies above this when that makes them smaller
  std::size_t ack_threshold = 16;                 // send a standalone msgs_ack once this many are owed
};

// The answer to a query: the boxed result object (inflated), or for service queries (ping, get_future_salts,
// msgs_state_req, destroy_session) the raw service answer.
struct RpcResult {
  RequestId id;
  std::vector<std::uint8_t> body;
};
struct RpcError {
  RequestId id;
  std::int32_t code;
  std::string message;
};
// Any other object the server pushed (updates and the like), boxed.
struct Update {
  std::vector<std::uint8_t> body;
};
// The server created a new session for us: updates may have been missed.
struct NewSession {
  std::int64_t first_msg_id;
};
using SessionEvent = std::variant<RpcResult, RpcError, Update, NewSession>;

// Counters a connection exposes (and tests assert on).
struct ClientSessionStats {
  std::uint64_t packets_sent = 0, packets_received = 0;
  std::uint64_t bad_server_salts = 0, time_corrections = 0, resent = 0;
};

// The client side of one MTProto 2.0 session over one auth key, without I/O: queues queries, packs them with
// acks into messages or containers, encrypts; decrypts what the server sends, checks it (session_id, msg_id
// parity, time window, replays, msg_key, lengths), handles the service messages (salts, time correction,
// re-sends, acks, new_session_created) and reports results, errors and updates as events.
// Not thread-safe: one session lives on one worker.
class ClientSession {
 public:
  ClientSession(const HandshakeResult& key, crypto::Rng& rng, const Clock& clock, ClientSessionOptions options = {});

  std::int64_t session_id() const noexcept { return session_id_; }
  std::int64_t salt() const noexcept { return salt_; }
  std::int64_t time_offset_ns() const noexcept { return sequencer_.ids().offset_ns(); }
  const AuthKey& key() const noexcept { return key_; }
  // What a later connection needs to go on with this auth key without a handshake: key, salt, clock offset.
  HandshakeResult resume_state() const noexcept;
  const ClientSessionStats& stats() const noexcept { return stats_; }

  // Queues a query (a boxed TL function, any wrapper included). Content-related, so the server answers it.
  RequestId send(std::vector<std::uint8_t> body);
  // Queues a query whose bytes depend on the msg_id and session it goes out with (auth.bindTempAuthKey
  // encrypts its own msg_id). `build` runs each time the query is packed, re-sends included.
  using BodyBuilder = std::function<std::vector<std::uint8_t>(std::int64_t msg_id, std::int64_t session_id)>;
  RequestId send_built(BodyBuilder build);
  // Forgets a query (timed out or cancelled): a late answer is dropped. Idempotent.
  void cancel(RequestId id) noexcept;
  std::size_t in_flight() const noexcept { return pending_.size(); }

  // True when next_packet() has something to send now.
  bool has_output() const noexcept {
    return !queue_.empty() || !replies_.empty() || acks_.size() >= options_.ack_threshold ||
           (force_acks_ && !acks_.empty());
  }
  // Whether messages of the server wait for our ack.
  bool owes_acks() const noexcept { return !acks_.empty(); }
  // Owed acks go out with the next packet even if nothing else does (call on an idle timer).
  void flush_acks() noexcept { force_acks_ = !acks_.empty(); }
  // Builds the next encrypted packet into `out`; false when there is nothing to send.
  bool next_packet(std::vector<std::uint8_t>& out);

  // Opens one packet from the server and appends what it meant to `events`. Throws ProtocolError when the
  // packet is refused; the connection should then be closed (security_guidelines).
  void receive(std::span<const std::uint8_t> packet, std::vector<SessionEvent>& events);

  // After a new connection: every query still waiting for an answer is queued again under a new msg_id.
  void on_reconnect();

 private:
  struct Pending {
    std::vector<std::uint8_t> body;
    BodyBuilder build;              // set for queries built at packing time
    std::int64_t msg_id = 0;        // 0 while queued
    std::int64_t container_id = 0;  // the container it went out in, if any
  };

  void handle(const InMessage& m, std::vector<SessionEvent>& events);
  void handle_rpc_result(const InMessage& m, std::vector<SessionEvent>& events);
  void handle_bad_server_salt(const tl::mt::bad_server_salt& n);
  void handle_bad_msg(const tl::mt::bad_msg_notification& n, std::int64_t server_msg_id,
                      std::vector<SessionEvent>& events);
  // Ends the query sent as `msg_id`: forgets it and gives its RequestId, or nothing when no query waits.
  std::optional<RequestId> finish(std::int64_t msg_id);
  void answer(std::int64_t req_msg_id, std::vector<std::uint8_t> body, std::vector<SessionEvent>& events);
  void requeue_sent_in(std::int64_t msg_id);  // 0 = everything sent
  bool sent_recently(std::int64_t msg_id) const noexcept;
  bool is_clock_correction() const;
  void start_new_session();
  void apply_future_salt(std::int64_t now_ns);

  AuthKey key_;
  crypto::Rng& rng_;
  const Clock& clock_;
  ClientSessionOptions options_;
  std::int64_t session_id_ = 0;
  std::int64_t salt_ = 0;
  Sequencer sequencer_;
  ReplayWindow seen_;
  RequestId next_request_ = 1;
  std::unordered_map<RequestId, Pending> pending_;
  std::unordered_map<std::int64_t, RequestId> by_msg_id_;
  std::vector<RequestId> queue_;
  std::vector<std::int64_t> acks_;
  std::vector<std::vector<std::uint8_t>> replies_;  // our answers to the server's own service queries
  std::vector<std::int64_t> sent_ids_;              // recent msg_ids we sent, to check bad_msg_id claims
  struct FutureSalt { std::int32_t valid_since, valid_until; std::int64_t salt; };
  std::vector<FutureSalt> future_salts_;
  bool force_acks_ = false;
  ClientSessionStats stats_;
  // Scratch buffers reused across packets, so a busy session does not allocate per message.
  std::vector<std::uint8_t> plain_, body_;
  Unpacked unpacked_;
  std::vector<bool> repeated_;  // per message of unpacked_: a re-send of one already received
};

}  // namespace mtpipe::mtproto::session
