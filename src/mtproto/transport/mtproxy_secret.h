#pragma once
// MTProxy secrets (mtproto-transports#transport-obfuscation, protocol.md §7.9), in their raw binary form. Hex or
// base64 text is the caller's business (tl::from_hex).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "mtproto/transport/framing.h"

namespace mtpipe::mtproto::transport {

struct MtproxySecret {
  enum class Kind : std::uint8_t {
    simple,    // 16 bytes
    padded,    // 17 bytes, usually 0xdd + 16 ("secured"): the client must use padded intermediate
    fake_tls,  // 0xee + 16 + domain: fake-TLS (fake_tls.h), the domain goes in the ClientHello's SNI
  };

  Kind kind = Kind::simple;
  std::array<std::uint8_t, 16> key{};  // the 16 bytes hashed into the obfuscation keys
  std::string fake_tls_domain;         // Kind::fake_tls only

  // Throws std::invalid_argument for any other length or layout (shorter than 16 bytes, 18+ bytes not starting
  // with 0xee, a domain longer than 255 bytes).
  static MtproxySecret from_bytes(std::span<const std::uint8_t> raw);

  // The framing a client must use with this secret: padded intermediate for `padded` and `fake_tls`, none imposed
  // for `simple`.
  std::optional<Framing> required_framing() const noexcept;
};

}  // namespace mtpipe::mtproto::transport
