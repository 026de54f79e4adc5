#include "mtproto/transport/quick_ack.h"

#include "mtproto/transport/byte_order.h"

namespace mtpipe::mtproto::transport {

std::uint32_t quick_ack_token(std::span<const std::uint8_t, 32> msg_key_large) noexcept {
  return detail::load_le32(msg_key_large.data()) | 0x80000000U;
}

}  // namespace mtpipe::mtproto::transport
