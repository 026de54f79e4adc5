#include "mtproto/transport/client_codec.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "mtproto/byte_order.h"
#include "mtproto/transport/obfuscation.h"

namespace mtpipe::mtproto::transport {
namespace {

TransportSpec effective_spec(TransportSpec spec, const std::optional<MtproxySecret>& proxy) {
  if (proxy) {
    spec.obfuscated = true;
    if (const auto framing = proxy->required_framing()) spec.framing = *framing;
  }
  if (spec.obfuscated && !obfuscation_tag(spec.framing)) {
    throw std::invalid_argument("transport: full transport cannot be obfuscated (it has no protocol tag); " +
                                std::string(proxy ? "an MTProxy needs abridged, intermediate or padded"
                                                  : "use abridged, intermediate or padded"));
  }
  return spec;
}

}  // namespace

ClientCodec::ClientCodec(ClientCodec&&) noexcept = default;
ClientCodec& ClientCodec::operator=(ClientCodec&&) noexcept = default;
ClientCodec::~ClientCodec() = default;

ClientCodec::ClientCodec(TransportSpec spec, crypto::Rng& rng, const std::optional<MtproxySecret>& proxy,
                         std::int16_t dc_id, const Clock& clock)
    : spec_(effective_spec(spec, proxy)),
      rng_(&rng),
      encoder_(spec_.framing, Role::client),
      decoder_(spec_.framing, Role::client) {
  if (!spec_.obfuscated) {
    switch (spec_.framing) {
      case Framing::abridged: prefix_[0] = 0xef; prefix_size_ = 1; break;
      case Framing::intermediate: store_le<std::uint32_t>(prefix_.data(), 0xeeeeeeeeU); prefix_size_ = 4; break;
      case Framing::padded_intermediate: store_le<std::uint32_t>(prefix_.data(), 0xddddddddU); prefix_size_ = 4; break;
      case Framing::full: break;
    }
    return;
  }
  const ObfuscationInit init = generate_obfuscation_init(rng, *obfuscation_tag(spec_.framing), dc_id);
  const std::span<const std::uint8_t> secret = proxy ? std::span<const std::uint8_t>(proxy->key) : std::span<const std::uint8_t>();
  const ObfuscationKeys keys = client_obfuscation_keys(init, secret);
  encrypt_.emplace(make_ctr(keys.encrypt));
  decrypt_.emplace(make_ctr(keys.decrypt));
  // The init goes out in clear but for bytes 56..64 (tag and DC), which are sent encrypted; the encrypt stream
  // has run over all 64 bytes either way.
  std::array<std::uint8_t, 64> encrypted = init;
  encrypt_->apply(encrypted);
  std::copy_n(init.begin(), 56, prefix_.begin());
  std::copy_n(encrypted.begin() + 56, 8, prefix_.begin() + 56);
  prefix_size_ = 64;
  if (proxy && proxy->kind == MtproxySecret::Kind::fake_tls) tls_ = std::make_unique<FakeTlsClient>(*proxy, rng, clock);
}

std::vector<std::uint8_t> ClientCodec::take_prefix() {
  if (prefix_taken_) return {};
  prefix_taken_ = true;
  if (tls_) return tls_->client_hello();
  init_sent_ = true;
  return {prefix_.begin(), prefix_.begin() + prefix_size_};
}

bool ClientCodec::encode(std::span<const std::uint8_t> payload, bool want_quick_ack, std::vector<std::uint8_t>& out) {
  check_payload(payload);  // before the prefix goes out
  if (!prefix_taken_) {
    const auto prefix = take_prefix();
    out.insert(out.end(), prefix.begin(), prefix.end());
  }
  const std::size_t start = out.size();
  if (!init_sent_) {
    out.insert(out.end(), prefix_.begin(), prefix_.begin() + prefix_size_);
    init_sent_ = true;
  }
  const std::size_t frame = out.size();
  const bool requested = encoder_.packet(payload, want_quick_ack, *rng_, out);
  encrypt_tail(encrypt_ ? &*encrypt_ : nullptr, out, frame);
  if (tls_) tls_->wrap(out, start);
  return requested;
}

void ClientCodec::feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  if (tls_) {
    tls_->feed(bytes, [&](std::span<const std::uint8_t> stream) { decoder_.feed(stream, *decrypt_, events); });
  } else if (decrypt_) {
    decoder_.feed(bytes, *decrypt_, events);
  } else {
    decoder_.feed(bytes, events);
  }
}

}  // namespace mtpipe::mtproto::transport
