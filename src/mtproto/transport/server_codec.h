#pragma once
// The server end of an MTProto TCP transport, without I/O: detects the client's transport from its first bytes,
// decodes its packets (with their quick-ack flags), and frames packets, quick-ack replies and transport errors in
// the detected transport. Also the MTProxy side of obfuscation: with secrets configured, only obfuscated
// connections keyed with one of them are accepted; a fake-TLS (`ee`) secret is accepted only inside fake TLS
// (fake_tls.h), whose server hello the owner must send (take_handshake_reply).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "crypto/aes_ctr.h"
#include "crypto/random.h"
#include "mtproto/transport/fake_tls.h"
#include "mtproto/transport/frame_decoder.h"
#include "mtproto/transport/frame_encoder.h"
#include "mtproto/transport/framing.h"
#include "mtproto/transport/inbound.h"
#include "mtproto/transport/mtproxy_secret.h"

namespace mtpipe::mtproto::transport {

class ServerCodec {
 public:
  // `proxy_secrets` is not copied (a server shares one list among all its connections) and must outlive the codec.
  // `rng` (kept by reference) draws padding. `replay_guard` judges fake-TLS ClientHellos (time, replays); null
  // means FakeTlsReplayGuard::process_wide().
  explicit ServerCodec(crypto::Rng& rng, std::span<const MtproxySecret> proxy_secrets = {},
                       FakeTlsReplayGuard* replay_guard = nullptr);
  ServerCodec(ServerCodec&&) noexcept;
  ServerCodec& operator=(ServerCodec&&) noexcept;
  ~ServerCodec();

  // Takes received bytes in any fragmentation and appends the client's packets (Inbound::Kind::packet, with
  // quick_ack_requested). Throws ProtocolError(malformed) for an unsupported or malformed start (HTTP, TLS
  // without a fake-TLS secret or with a ClientHello none of them signed, an obfuscated init with an unknown tag
  // or for none of the secrets, a plain connection to an MTProxy) or a malformed stream, and again on every
  // later call.
  void feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events);

  // Fake TLS: appends the server hello once the ClientHello was accepted (once; nothing otherwise). Send it
  // after each feed(): the client waits for it before it sends anything else. encode() and the other writers
  // put it first too, should it still be pending.
  void take_handshake_reply(std::vector<std::uint8_t>& out);

  // Once the first bytes told the transport:
  bool detected() const noexcept { return detected_; }
  Framing framing() const noexcept { return decoder_.framing(); }
  bool obfuscated() const noexcept { return decrypt_.has_value(); }
  // The int16 at offset 60 of the obfuscated init (meaningful when the client went through an MTProxy).
  std::optional<std::int16_t> dc_id() const noexcept;
  // Which of the configured MTProxy secrets the client used.
  std::optional<std::size_t> proxy_secret_index() const noexcept { return secret_index_; }

  // These throw std::logic_error before the transport is detected.
  // Appends one framed packet (see check_payload; padded intermediate adds 0-15 random bytes).
  void encode(std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& out);
  // Appends the quick-ack reply for `token` (bit 31 set). Returns false, appending nothing, on full transport.
  bool encode_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out);
  // Appends transport error `code` (negative: -404, -429, -444, ...).
  void encode_transport_error(std::int32_t code, std::vector<std::uint8_t>& out);

 private:
  void feed_stream(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events, bool inside_tls);
  void feed_tls(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events);
  std::span<const std::uint8_t> detect(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events,
                                       bool inside_tls);
  void start_tls();
  void accept_obfuscated();
  std::uint32_t try_obfuscation_keys(std::span<const std::uint8_t> secret16);
  void use_framing(Framing framing) noexcept;
  // The stream to encrypt what is appended from here on (null on a plain connection), after any pending
  // handshake reply; finish_output encrypts and wraps what was appended.
  crypto::AesCtr* begin_output(const char* operation, std::vector<std::uint8_t>& out);
  void finish_output(crypto::AesCtr* ctr, std::vector<std::uint8_t>& out, std::size_t start);

  crypto::Rng* rng_;
  std::span<const MtproxySecret> secrets_;
  FakeTlsReplayGuard* replay_guard_;
  std::unique_ptr<FakeTlsServer> tls_;
  std::optional<crypto::AesCtr> encrypt_;
  std::optional<crypto::AesCtr> decrypt_;
  std::optional<std::size_t> secret_index_;
  FrameEncoder encoder_{Framing::abridged, Role::server};
  FrameDecoder decoder_{Framing::abridged, Role::server};
  std::array<std::uint8_t, 64> start_{};  // the first bytes, until they tell the transport
  std::uint8_t start_size_ = 0;
  bool detected_ = false;
};

}  // namespace mtpipe::mtproto::transport
