#pragma once
// How a server tells the transport of a new connection from its first bytes (protocol.md §7.10).

#include <cstdint>
#include <span>

#include "mtproto/transport/framing.h"

namespace mtpipe::mtproto::transport {

struct Detection {
  enum class Kind : std::uint8_t {
    need_more,   // `size` bytes are needed in all
    plain,       // `framing`, whose start marker is the first `size` bytes (0 for full: its first frame begins)
    obfuscated,     // a `size` = 64-byte obfuscated init
    tls_handshake,  // 16 03 01 02: a TLS ClientHello record of 512..767 bytes (fake-TLS MTProxy)
  };

  Kind kind = Kind::need_more;
  std::uint8_t size = 0;
  Framing framing = Framing::abridged;
};

// 0xef: abridged; eeeeeeee: intermediate; dddddddd: padded; bytes 4..7 zero: full; anything else: obfuscated.
// 16 03 01 02: a TLS handshake (the fake-TLS hello tdlib sends; obfuscated inits never start so). Throws
// ProtocolError(malformed) for an HTTP verb (HEAD, POST, GET, OPTIONS): the HTTP transport is not supported.
Detection detect_transport(std::span<const std::uint8_t> first);

}  // namespace mtpipe::mtproto::transport
