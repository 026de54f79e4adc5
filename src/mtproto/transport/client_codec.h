#pragma once
// The client end of an MTProto TCP transport, without I/O: what to send first, how to frame (and obfuscate) each
// outgoing MTProto packet, and how to turn received bytes into packets, quick acks and transport errors.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "crypto/aes_ctr.h"
#include "crypto/random.h"
#include "mtproto/clock.h"
#include "mtproto/transport/fake_tls.h"
#include "mtproto/transport/frame_decoder.h"
#include "mtproto/transport/frame_encoder.h"
#include "mtproto/transport/framing.h"
#include "mtproto/transport/inbound.h"
#include "mtproto/transport/mtproxy_secret.h"

namespace mtpipe::mtproto::transport {

class ClientCodec {
 public:
  // `proxy`: connect through an MTProxy with this secret. That makes the connection obfuscated, and a padded or
  // fake-TLS secret imposes padded intermediate (spec() reports the result). A fake-TLS secret also wraps the
  // connection in fake TLS (fake_tls.h), whose ClientHello carries the time from `clock`.
  // `dc_id`, when non-zero, goes into the obfuscated init at offset 60 (MTProxy's target DC: +10000 for test
  // DCs, negative for media DCs). `rng` (kept by reference) draws the init and the padding.
  // Throws std::invalid_argument for obfuscated full transport, which has no protocol tag.
  ClientCodec(TransportSpec spec, crypto::Rng& rng, const std::optional<MtproxySecret>& proxy = std::nullopt,
              std::int16_t dc_id = 0, const Clock& clock = system_clock());
  ClientCodec(ClientCodec&&) noexcept;
  ClientCodec& operator=(ClientCodec&&) noexcept;
  ~ClientCodec();

  const TransportSpec& spec() const noexcept { return spec_; }

  // The bytes to send first on the connection: 0xef, eeeeeeee, dddddddd, nothing (full), the 64-byte
  // obfuscated init, or with fake TLS the ClientHello (the init then starts the first record encode() writes).
  // Empty after the first call; if never called, the first encode() writes them.
  std::vector<std::uint8_t> take_prefix();

  // Appends one framed (and, when obfuscated, encrypted) packet. `payload` is an MTProto message: non-empty, a
  // multiple of 4 bytes, at most kMaxPayloadSize (else std::invalid_argument). Returns whether a quick ack was
  // requested, which full transport cannot do.
  bool encode(std::span<const std::uint8_t> payload, bool want_quick_ack, std::vector<std::uint8_t>& out);

  // Takes received bytes in any fragmentation and appends the events they complete. Throws
  // ProtocolError(malformed) on a malformed stream (with fake TLS: a server hello without our secret's HMAC),
  // and again on every later call.
  void feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events);

 private:
  TransportSpec spec_;  // first: the encoder and decoder are built from it
  crypto::Rng* rng_;
  std::optional<crypto::AesCtr> encrypt_;
  std::optional<crypto::AesCtr> decrypt_;
  FrameEncoder encoder_;
  FrameDecoder decoder_;
  std::unique_ptr<FakeTlsClient> tls_;  // behind a pointer: most connections do without
  std::array<std::uint8_t, 64> prefix_{};
  std::uint8_t prefix_size_ = 0;
  bool prefix_taken_ = false;
  bool init_sent_ = false;  // fake TLS: the init goes inside the first record
};

}  // namespace mtpipe::mtproto::transport
