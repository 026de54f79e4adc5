#include "mtproto/transport/server_codec.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "mtproto/error.h"
#include "mtproto/byte_order.h"
#include "mtproto/transport/detect.h"
#include "mtproto/transport/frame_header.h"
#include "mtproto/transport/obfuscation.h"

namespace mtpipe::mtproto::transport {

ServerCodec::ServerCodec(crypto::Rng& rng, std::span<const MtproxySecret> proxy_secrets,
                         FakeTlsReplayGuard* replay_guard)
    : rng_(&rng),
      secrets_(proxy_secrets),
      replay_guard_(replay_guard ? replay_guard : &FakeTlsReplayGuard::process_wide()) {}

ServerCodec::ServerCodec(ServerCodec&&) noexcept = default;
ServerCodec& ServerCodec::operator=(ServerCodec&&) noexcept = default;
ServerCodec::~ServerCodec() = default;

std::optional<std::int16_t> ServerCodec::dc_id() const noexcept {
  if (!obfuscated()) return std::nullopt;
  return static_cast<std::int16_t>(start_[60] | start_[61] << 8);
}

void ServerCodec::feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  if (tls_) return feed_tls(bytes, events);
  feed_stream(bytes, events, false);
}

void ServerCodec::feed_tls(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  tls_->feed(bytes, [&](std::span<const std::uint8_t> stream) { feed_stream(stream, events, true); });
}

// `inside_tls`: the bytes are the content of fake-TLS records (which must hold an obfuscated stream).
void ServerCodec::feed_stream(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events, bool inside_tls) {
  // A refused start refuses again on the next call: the bytes kept in start_ are judged the same way.
  if (!detected_) {
    bytes = detect(bytes, events, inside_tls);
    if (!detected_) {
      if (tls_ && !inside_tls) feed_tls(bytes, events);  // the start was a TLS record: the rest is TLS too
      return;
    }
  }
  if (bytes.empty()) return;
  if (decrypt_) {
    decoder_.feed(bytes, *decrypt_, events);
  } else {
    decoder_.feed(bytes, events);
  }
}

std::span<const std::uint8_t> ServerCodec::detect(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events,
                                                  bool inside_tls) {
  for (;;) {
    const Detection d = detect_transport(std::span(start_.data(), start_size_));
    const std::size_t want = d.kind == Detection::Kind::plain ? 0 : d.size;
    if (start_size_ < want) {
      const std::size_t take = std::min(want - start_size_, bytes.size());
      std::copy_n(bytes.begin(), take, start_.begin() + start_size_);
      start_size_ = static_cast<std::uint8_t>(start_size_ + take);
      bytes = bytes.subspan(take);
      if (start_size_ < want) return bytes;
      continue;
    }
    if (d.kind == Detection::Kind::tls_handshake) {
      if (inside_tls) throw ProtocolError(Refusal::malformed, "fake TLS: a TLS handshake record inside the records");
      start_tls();
      return bytes;
    }
    if (d.kind == Detection::Kind::obfuscated) {
      accept_obfuscated();
      detected_ = true;
      return bytes;
    }
    if (!secrets_.empty()) {
      throw ProtocolError(Refusal::malformed, "transport detection: a plain " + std::string(to_string(d.framing)) +
                                                  " connection, but as an MTProxy only obfuscated ones are accepted");
    }
    use_framing(d.framing);
    detected_ = true;
    // Full transport has no marker: the bytes read to tell it are its first frame's header.
    decoder_.feed(std::span(start_.data() + d.size, start_size_ - d.size), events);
    return bytes;
  }
}

void ServerCodec::start_tls() {
  const bool any = std::any_of(secrets_.begin(), secrets_.end(),
                               [](const MtproxySecret& s) { return s.kind == MtproxySecret::Kind::fake_tls; });
  if (!any) {
    throw ProtocolError(Refusal::malformed, "transport detection: the connection starts with a TLS handshake record, "
                                            "but no fake-TLS (ee) MTProxy secret is configured");
  }
  tls_ = std::make_unique<FakeTlsServer>(secrets_, *replay_guard_, *rng_);
  // The 4 bytes read so far start the ClientHello; they complete nothing, so no stream bytes come out yet.
  const std::array<std::uint8_t, 4> head{start_[0], start_[1], start_[2], start_[3]};
  start_size_ = 0;
  tls_->feed(head, [](std::span<const std::uint8_t>) {});
}

void ServerCodec::take_handshake_reply(std::vector<std::uint8_t>& out) {
  if (tls_) tls_->take_reply(out);
}

void ServerCodec::accept_obfuscated() {
  if (tls_) {
    // Inside fake TLS the init must be keyed with the secret that signed the ClientHello.
    const std::size_t i = *tls_->secret_index();
    try_obfuscation_keys(secrets_[i].key);
    if (!decrypt_) {
      throw ProtocolError(Refusal::malformed,
                          "fake TLS: the obfuscated init inside does not decrypt with the secret of the ClientHello");
    }
    secret_index_ = i;
    return;
  }
  if (secrets_.empty()) {
    const std::uint32_t tag = try_obfuscation_keys({});
    if (!decrypt_) {
      throw ProtocolError(Refusal::malformed, "obfuscated transport: the init decrypts to protocol tag " + hex32(tag) +
                                                  " where efefefef, eeeeeeee or dddddddd was expected");
    }
    return;
  }
  for (std::size_t i = 0; i < secrets_.size(); ++i) {
    if (secrets_[i].kind == MtproxySecret::Kind::fake_tls) continue;  // those come only wrapped in fake TLS
    try_obfuscation_keys(secrets_[i].key);
    if (decrypt_) {
      secret_index_ = i;
      return;
    }
  }
  throw ProtocolError(Refusal::malformed, "obfuscated transport: none of the " + std::to_string(secrets_.size()) +
                                              " MTProxy secrets decrypts the init to a known protocol tag (fake-TLS "
                                              "secrets are tried only inside fake TLS)");
}

std::uint32_t ServerCodec::try_obfuscation_keys(std::span<const std::uint8_t> secret16) {
  const std::span<const std::uint8_t, 64> init(start_);
  const ObfuscationKeys keys = server_obfuscation_keys(init, secret16);
  crypto::AesCtr decrypt = make_ctr(keys.decrypt);
  std::array<std::uint8_t, 64> plain;
  decrypt.apply(init, plain);
  const std::uint32_t tag = load_le<std::uint32_t>(plain.data() + 56);
  if (const auto framing = framing_from_tag(tag)) {
    use_framing(*framing);
    decrypt_.emplace(std::move(decrypt));
    encrypt_.emplace(make_ctr(keys.encrypt));
    // Keep the decrypted tail for dc_id(); the clear head is no longer needed.
    std::copy_n(plain.begin() + 56, 8, start_.begin() + 56);
  }
  return tag;
}

void ServerCodec::use_framing(Framing framing) noexcept {
  encoder_ = FrameEncoder(framing, Role::server);
  decoder_ = FrameDecoder(framing, Role::server);
}

crypto::AesCtr* ServerCodec::begin_output(const char* operation, std::vector<std::uint8_t>& out) {
  if (!detected_) {
    throw std::logic_error(std::string("ServerCodec::") + operation + " before the client's transport was detected");
  }
  take_handshake_reply(out);
  return encrypt_ ? &*encrypt_ : nullptr;
}

void ServerCodec::finish_output(crypto::AesCtr* ctr, std::vector<std::uint8_t>& out, std::size_t start) {
  encrypt_tail(ctr, out, start);
  if (tls_) FakeTlsServer::wrap(out, start);
}

void ServerCodec::encode(std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = begin_output("encode", out);
  const std::size_t start = out.size();
  encoder_.packet(payload, false, *rng_, out);
  finish_output(ctr, out, start);
}

bool ServerCodec::encode_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = begin_output("encode_quick_ack", out);
  const std::size_t start = out.size();
  const bool sent = encoder_.quick_ack_reply(token, *rng_, out);
  finish_output(ctr, out, start);
  return sent;
}

void ServerCodec::encode_transport_error(std::int32_t code, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = begin_output("encode_transport_error", out);
  const std::size_t start = out.size();
  encoder_.transport_error(code, *rng_, out);
  finish_output(ctr, out, start);
}

}  // namespace mtpipe::mtproto::transport
