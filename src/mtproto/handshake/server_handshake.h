#pragma once
// The emulated DC's side of the auth-key handshake (core.telegram.org/mtproto/auth_key), sans I/O: one object
// per connection turns each unencrypted client packet into the reply to send. It accepts what real clients
// send: req_pq_multi and the legacy req_pq, RSA_PAD and the legacy RSA scheme, and the inner data forms
// p_q_inner_data (legacy), p_q_inner_data_dc and p_q_inner_data_temp_dc. After a finished handshake the same
// object accepts a fresh one, which Telethon needs when it built a 255-byte key (peers.md §3.3).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/handshake/faults.h"
#include "mtproto/handshake/server_dh.h"
#include "mtproto/handshake/server_keys.h"
#include "mtproto/msg_id.h"
#include "tl/object.h"

namespace mtpipe::mtproto::handshake {

// Transport error codes (protocol.md §4.6): a refused handshake step, and a test/production DC mismatch.
inline constexpr std::int32_t kHandshakeRefused = -404;
inline constexpr std::int32_t kWrongEnvironment = -444;

struct ServerReply {
  enum class Kind : std::uint8_t {
    send,             // send `packet`
    done,             // send `packet` (dh_gen_ok); `result` is the new key
    transport_error,  // send the transport error `error_code` instead of a message
  };
  Kind kind = Kind::send;
  std::vector<std::uint8_t> packet;  // an unencrypted message
  std::optional<HandshakeResult> result;
  std::int32_t error_code = 0;
  // Why a transport error was sent, or something log-worthy about an accepted step (a dc id of another DC).
  std::string note;
};

class ServerHandshake {
 public:
  enum class State : std::uint8_t { idle, wait_req_dh_params, wait_set_client_dh_params, failed };

  // True when an auth key with this id already exists: the handshake then answers dh_gen_retry.
  using KeyIdTaken = std::function<bool(std::uint64_t)>;
  // Collisions in a row before we give up with dh_gen_fail.
  static constexpr int kMaxRetries = 5;

  // `rng` and `clock` must outlive the handshake.
  ServerHandshake(std::shared_ptr<const ServerConfig> config, crypto::Rng& rng, const Clock& clock,
                  KeyIdTaken key_id_taken = {}, Faults faults = {});
  ~ServerHandshake();
  ServerHandshake(const ServerHandshake&) = delete;
  ServerHandshake& operator=(const ServerHandshake&) = delete;

  // One unencrypted packet from the client. Never throws for anything the client sent: a bad step is answered
  // with -404, and so is every later packet until a req_pq_multi/req_pq with a fresh nonce; a dc field of the
  // other environment (test vs production) gets -444. An exact repeat of the last request gets the same answer.
  ServerReply on_packet(std::span<const std::uint8_t> packet);

  State state() const noexcept { return state_; }

 private:
  ServerReply handle(std::span<const std::uint8_t> body);
  ServerReply on_req_pq(const tl::Int128& nonce);
  ServerReply on_req_dh_params(const tl::Object& req);
  ServerReply on_set_client_dh_params(const tl::Object& req);
  ServerReply reply(std::vector<std::uint8_t> body);
  ServerReply refuse(std::int32_t code, std::string why);
  void wipe() noexcept;

  std::shared_ptr<const ServerConfig> config_;
  crypto::Rng& rng_;
  const Clock& clock_;
  KeyIdTaken key_id_taken_;
  Faults faults_;
  MsgIdGenerator msg_ids_{MsgIdKind::server_response};
  State state_ = State::idle;

  // The last request and our answer, to repeat the answer to an exact repeat (mtproto/auth_key, "Error
  // Handling"). Both went over the wire in clear or encrypted form already: nothing secret.
  std::vector<std::uint8_t> last_request_;
  std::vector<std::uint8_t> last_reply_;

  bool started_ = false;  // nonce_ belongs to a handshake begun on this connection
  std::optional<tl::Int128> failed_nonce_;
  tl::Int128 nonce_{};
  tl::Int128 server_nonce_{};
  std::uint64_t p_ = 0;
  std::uint64_t q_ = 0;
  tl::Int256 new_nonce_{};  // secret
  bool temporary_ = false;
  std::int32_t expires_in_ = 0;
  std::int32_t dc_ = 0;
  detail::ServerDh dh_;  // dh_.a is secret
  std::int32_t server_time_ = 0;
  std::int64_t expected_retry_id_ = 0;
  int retries_ = 0;
  bool forced_retry_done_ = false;  // Fault::dh_gen_retry_once already fired in this handshake
};

}  // namespace mtpipe::mtproto::handshake
