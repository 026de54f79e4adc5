#include "mtproto/transport/frame_header.h"

#include "mtproto/error.h"

namespace mtpipe::mtproto::transport {

void refuse(Framing framing, const std::string& what) {
  throw ProtocolError(Refusal::malformed, std::string(to_string(framing)) + " transport: " + what);
}

std::string hex32(std::uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xf];
  return out;
}

void check_announced_size(Framing framing, std::uint64_t packet, std::uint64_t bytes, std::uint64_t limit) {
  if (bytes > limit) {
    refuse(framing, "packet " + std::to_string(packet) + " announces " + std::to_string(bytes) +
                        " bytes, more than the limit of " + std::to_string(limit));
  }
}

}  // namespace mtpipe::mtproto::transport
