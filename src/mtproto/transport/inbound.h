#pragma once
// What a codec hands up from the bytes it was fed.

#include <cstdint>
#include <vector>

namespace mtpipe::mtproto::transport {

struct Inbound {
  enum class Kind : std::uint8_t {
    packet,           // `payload` is one MTProto message (padding removed)
    quick_ack,        // the server acknowledged the packet whose token is `quick_ack_token` (client side only)
    transport_error,  // the server sent transport error `error_code` (-404, -429, -444, ...) (client side only)
  };

  Kind kind = Kind::packet;
  bool quick_ack_requested = false;   // packet, server side: the client set the quick-ack flag
  std::uint32_t quick_ack_token = 0;  // quick_ack
  std::int32_t error_code = 0;        // transport_error
  std::vector<std::uint8_t> payload;  // packet
};

}  // namespace mtpipe::mtproto::transport
