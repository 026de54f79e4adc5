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

ServerCodec::ServerCodec(crypto::Rng& rng, std::span<const MtproxySecret> proxy_secrets)
    : rng_(&rng), secrets_(proxy_secrets) {}

std::optional<std::int16_t> ServerCodec::dc_id() const noexcept {
  if (!obfuscated()) return std::nullopt;
  return static_cast<std::int16_t>(start_[60] | start_[61] << 8);
}

void ServerCodec::feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  // A refused start refuses again on the next call: the bytes kept in start_ are judged the same way.
  if (!detected_) {
    bytes = detect(bytes, events);
    if (!detected_) return;
  }
  if (bytes.empty()) return;
  if (decrypt_) {
    decoder_.feed(bytes, *decrypt_, events);
  } else {
    decoder_.feed(bytes, events);
  }
}

std::span<const std::uint8_t> ServerCodec::detect(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
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

void ServerCodec::accept_obfuscated() {
  if (secrets_.empty()) {
    const std::uint32_t tag = try_obfuscation_keys({});
    if (!decrypt_) {
      throw ProtocolError(Refusal::malformed, "obfuscated transport: the init decrypts to protocol tag " + hex32(tag) +
                                                  " where efefefef, eeeeeeee or dddddddd was expected");
    }
    return;
  }
  for (std::size_t i = 0; i < secrets_.size(); ++i) {
    try_obfuscation_keys(secrets_[i].key);
    if (decrypt_) {
      secret_index_ = i;
      return;
    }
  }
  throw ProtocolError(Refusal::malformed, "obfuscated transport: none of the " + std::to_string(secrets_.size()) +
                                              " MTProxy secrets decrypts the init to a known protocol tag");
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

crypto::AesCtr* ServerCodec::encryptor(const char* operation) {
  if (!detected_) {
    throw std::logic_error(std::string("ServerCodec::") + operation + " before the client's transport was detected");
  }
  return encrypt_ ? &*encrypt_ : nullptr;
}

void ServerCodec::encode(std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = encryptor("encode");
  const std::size_t start = out.size();
  encoder_.packet(payload, false, *rng_, out);
  encrypt_tail(ctr, out, start);
}

bool ServerCodec::encode_quick_ack(std::uint32_t token, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = encryptor("encode_quick_ack");
  const std::size_t start = out.size();
  const bool sent = encoder_.quick_ack_reply(token, *rng_, out);
  encrypt_tail(ctr, out, start);
  return sent;
}

void ServerCodec::encode_transport_error(std::int32_t code, std::vector<std::uint8_t>& out) {
  crypto::AesCtr* ctr = encryptor("encode_transport_error");
  const std::size_t start = out.size();
  encoder_.transport_error(code, *rng_, out);
  encrypt_tail(ctr, out, start);
}

}  // namespace mtpipe::mtproto::transport
