#include "mtproto/transport/padding.h"

#include <algorithm>

#include "mtproto/byte_order.h"
#include "mtproto/transport/frame_header.h"

namespace mtpipe::mtproto::transport {
namespace {
constexpr std::size_t kPlainHeader = 20;      // auth_key_id, msg_id, message_data_length
constexpr std::size_t kEncryptedHeader = 24;  // auth_key_id, msg_key
constexpr std::size_t kMaxPadding = 15;
}  // namespace

std::size_t padded_payload_size(std::span<const std::uint8_t> body, std::uint64_t packet) {
  const std::string where = "packet " + std::to_string(packet) + " (" + std::to_string(body.size()) + " bytes)";
  const bool plain = body.size() >= 8 && std::all_of(body.begin(), body.begin() + 8, [](auto b) { return b == 0; });
  if (plain) {
    if (body.size() < kPlainHeader) {
      refuse(Framing::padded_intermediate, where + " is shorter than the 20-byte header of an unencrypted message");
    }
    const std::uint32_t data_length = load_le<std::uint32_t>(body.data() + 16);
    const std::size_t room = body.size() - kPlainHeader;
    if (data_length > room || room - data_length > kMaxPadding) {
      refuse(Framing::padded_intermediate, where + ": unencrypted message_data_length " + std::to_string(data_length) +
                                               " leaves " + (data_length > room ? "too few" : "more than 15") +
                                               " bytes for 0-15 bytes of padding");
    }
    return kPlainHeader + data_length;
  }
  if (body.size() < kEncryptedHeader) {
    refuse(Framing::padded_intermediate,
           where + " is neither an unencrypted message nor as long as the 24-byte encrypted message header");
  }
  return kEncryptedHeader + (body.size() - kEncryptedHeader) / 16 * 16;
}

}  // namespace mtpipe::mtproto::transport
