#include "mtproto/transport/quick_ack.h"

#include "mtproto/byte_order.h"

namespace mtpipe::mtproto::transport {

std::uint32_t quick_ack_token(std::span<const std::uint8_t, 32> msg_key_large) noexcept {
  return load_le<std::uint32_t>(msg_key_large.data()) | 0x80000000U;
}

}  // namespace mtpipe::mtproto::transport
