#include "mtproto/transport/short_frame.h"

#include "mtproto/byte_order.h"
#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {

bool read_short_frame(std::span<const std::uint8_t> body, Framing framing, std::uint64_t packet, Inbound& event) {
  const std::string where = "packet " + std::to_string(packet) + " (" + std::to_string(body.size()) + " bytes)";
  if (body.size() < 4) refuse(framing, where + " is too short for a transport error");
  const auto word = static_cast<std::int32_t>(load_le<std::uint32_t>(body.data()));
  if (word == 0) return false;
  if (word == -1 && body.size() >= 8) {
    event.kind = Inbound::Kind::quick_ack;
    event.quick_ack_token = load_le<std::uint32_t>(body.data() + 4);
    return true;
  }
  if (word > 0) {
    refuse(framing, where + " is too short for an MTProto message and starts with " + std::to_string(word) +
                        " where a negative transport error code was expected");
  }
  event.kind = Inbound::Kind::transport_error;
  event.error_code = word;
  return true;
}

}  // namespace mtpipe::mtproto::transport
