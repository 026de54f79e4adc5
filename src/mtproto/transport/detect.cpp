#include "mtproto/transport/detect.h"

#include "mtproto/error.h"
#include "mtproto/byte_order.h"

namespace mtpipe::mtproto::transport {
namespace {

Detection need(std::uint8_t size) { return {Detection::Kind::need_more, size, Framing::abridged}; }
Detection plain(Framing framing, std::uint8_t size) { return {Detection::Kind::plain, size, framing}; }

[[noreturn]] void refuse_start(const char* what) {
  throw ProtocolError(Refusal::malformed, std::string("transport detection: the connection starts with ") + what);
}

}  // namespace

Detection detect_transport(std::span<const std::uint8_t> first) {
  if (first.empty()) return need(1);
  if (first[0] == 0xef) return plain(Framing::abridged, 1);
  if (first.size() < 4) return need(4);
  switch (load_le<std::uint32_t>(first.data())) {
    case 0xeeeeeeeeU: return plain(Framing::intermediate, 4);
    case 0xddddddddU: return plain(Framing::padded_intermediate, 4);
    case 0x44414548U:  // "HEAD"
    case 0x54534f50U:  // "POST"
    case 0x20544547U:  // "GET "
    case 0x4954504fU:  // "OPTI"
      refuse_start("an HTTP request; the HTTP transport is not supported");
    case 0x02010316U:
      return {Detection::Kind::tls_handshake, 4, Framing::abridged};
    default:
      break;
  }
  if (first.size() < 8) return need(8);
  if (load_le<std::uint32_t>(first.data() + 4) == 0) return plain(Framing::full, 0);
  return {Detection::Kind::obfuscated, 64, Framing::abridged};
}

}  // namespace mtpipe::mtproto::transport
