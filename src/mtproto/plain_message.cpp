#include "mtproto/plain_message.h"

#include <cstring>

#include "mtproto/byte_order.h"
#include "mtproto/error.h"

namespace mtpipe::mtproto {
std::vector<std::uint8_t> make_plain_message(std::int64_t msg_id, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> out;
  out.reserve(20 + body.size());
  append_le<std::int64_t>(out, 0);
  append_le<std::int64_t>(out, msg_id);
  append_le<std::int32_t>(out, static_cast<std::int32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

PlainMessage parse_plain_message(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20) throw ProtocolError(Refusal::malformed, "unencrypted message shorter than its 20-byte header");
  if (load_le<std::int64_t>(packet.data()) != 0) throw ProtocolError(Refusal::malformed, "unencrypted message with a non-zero auth_key_id");
  const auto length = load_le<std::int32_t>(packet.data() + 16);
  if (length < 0 || static_cast<std::size_t>(length) != packet.size() - 20)
    throw ProtocolError(Refusal::malformed, "unencrypted message length " + std::to_string(length) + " does not match the " +
                                                std::to_string(packet.size() - 20) + " bytes that follow");
  return PlainMessage{load_le<std::int64_t>(packet.data() + 8), packet.subspan(20)};
}

bool is_plain_packet(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < 8) return false;
  return load_le<std::int64_t>(packet.data()) == 0;
}

}  // namespace mtpipe::mtproto
