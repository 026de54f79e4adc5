#include "mtproto/transport/mtproxy_secret.h"

#include <algorithm>
#include <stdexcept>

namespace mtpipe::mtproto::transport {

MtproxySecret MtproxySecret::from_bytes(std::span<const std::uint8_t> raw) {
  MtproxySecret secret;
  if (raw.size() == 16) {
    std::copy_n(raw.begin(), 16, secret.key.begin());
    return secret;
  }
  // Any 17-byte secret selects padded intermediate (the spec says to default to it whatever the extra byte is).
  if (raw.size() == 17) {
    secret.kind = Kind::padded;
    std::copy_n(raw.begin() + 1, 16, secret.key.begin());
    return secret;
  }
  if (raw.size() > 17 && raw[0] == 0xee) {
    if (raw.size() > 17 + 255) throw std::invalid_argument("MTProxy fake-TLS secret: domain longer than 255 bytes");
    secret.kind = Kind::fake_tls;
    std::copy_n(raw.begin() + 1, 16, secret.key.begin());
    secret.fake_tls_domain.assign(raw.begin() + 17, raw.end());
    return secret;
  }
  throw std::invalid_argument("MTProxy secret of " + std::to_string(raw.size()) +
                              " bytes: expected 16 bytes, 17 bytes (0xdd + 16) or 0xee + 16 bytes + domain");
}

std::optional<Framing> MtproxySecret::required_framing() const noexcept {
  if (kind == Kind::simple) return std::nullopt;
  return Framing::padded_intermediate;
}

}  // namespace mtpipe::mtproto::transport
