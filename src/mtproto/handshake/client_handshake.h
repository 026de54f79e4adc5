#pragma once
// The client side of the MTProto auth-key handshake (core.telegram.org/mtproto/auth_key) as a sans-I/O state
// machine: it turns the server's unencrypted packets into our next unencrypted packet, and finally into an
// AuthKey. Every check of mtproto/security_guidelines is made; a failed one throws ProtocolError with its own
// Refusal and leaves the handshake failed until start() is called again.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/dh.h"
#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/msg_id.h"
#include "tl/types.h"

namespace mtpipe::mtproto::handshake {

struct ClientOptions {
  // The server keys we trust; resPQ must offer the fingerprint of one of them.
  std::vector<crypto::RsaPublicKey> server_keys;
  // The dc field of p_q_inner_data_dc: the DC id, + 10000 for a test DC, negated for a media DC.
  std::int32_t dc = 0;
  // Set for a temporary (PFS) key: p_q_inner_data_temp_dc with this expires_in, in seconds (> 0).
  std::optional<std::int32_t> expires_in;
};

// What on_packet produced: the next packet to send, or the finished handshake.
struct ClientStep {
  std::vector<std::uint8_t> send;         // empty once done
  std::optional<HandshakeResult> result;  // set after dh_gen_ok
  bool done() const noexcept { return result.has_value(); }
};

class ClientHandshake {
 public:
  enum class State : std::uint8_t { idle, wait_res_pq, wait_server_dh_params, wait_dh_gen, done, failed };

  // Each dh_gen_retry means an auth_key_id collision on the server (probability ~2^-64); more than this many
  // in a row is a misbehaving server, refused as dh_gen_fail.
  static constexpr int kMaxRetries = 5;

  // `rng` and `clock` must outlive the handshake. Throws std::invalid_argument without server keys or with a
  // non-positive expires_in.
  ClientHandshake(ClientOptions options, crypto::Rng& rng, const Clock& clock);
  ~ClientHandshake();
  ClientHandshake(const ClientHandshake&) = delete;
  ClientHandshake& operator=(const ClientHandshake&) = delete;

  // Begins a fresh handshake (new nonce; anything of an earlier attempt is forgotten) and returns the first
  // packet, req_pq_multi, as an unencrypted message.
  std::vector<std::uint8_t> start();

  // Feeds one packet from the server (an unencrypted message). Throws ProtocolError when it is refused; the
  // handshake is then failed. A 4-byte packet is read as the transport error code the server sent.
  // The result's time_offset_ns is server_time minus our clock when server_DH_inner_data arrived (the moment
  // server_time is freshest, one round trip before dh_gen_ok); expires_at of a temp key is server_time +
  // expires_in, exactly what the server records. crypto::Error escapes only for local failures (a broken Rng).
  ClientStep on_packet(std::span<const std::uint8_t> packet);

  State state() const noexcept { return state_; }

 private:
  std::vector<std::uint8_t> on_res_pq(std::span<const std::uint8_t> body);
  std::vector<std::uint8_t> on_server_dh_params(std::span<const std::uint8_t> body);
  ClientStep on_dh_gen(std::span<const std::uint8_t> body);
  // Step 7: a new b, g_b and auth_key; the set_client_DH_params packet carrying g_b.
  std::vector<std::uint8_t> make_set_client_dh_params(std::int64_t retry_id);
  std::vector<std::uint8_t> plain(std::span<const std::uint8_t> body);
  void wipe() noexcept;

  ClientOptions options_;
  crypto::Rng& rng_;
  const Clock& clock_;
  MsgIdGenerator msg_ids_{MsgIdKind::client};
  State state_ = State::idle;

  tl::Int128 nonce_{};
  tl::Int128 server_nonce_{};
  tl::Int256 new_nonce_{};  // secret
  std::array<std::uint8_t, crypto::kDhBytes> dh_prime_{};
  int g_ = 0;
  std::array<std::uint8_t, crypto::kDhBytes> g_a_{};
  std::array<std::uint8_t, crypto::kDhBytes> auth_key_{};  // secret: the candidate key of the current attempt
  std::int32_t server_time_ = 0;
  std::int64_t time_offset_ns_ = 0;
  int retries_ = 0;
};

}  // namespace mtpipe::mtproto::handshake
