#include "mtproto/plain_message.h"

#include <cstring>

#include "mtproto/error.h"

namespace mtpipe::mtproto {
namespace {

template <typename T>
void put_le(std::vector<std::uint8_t>& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
}

template <typename T>
T get_le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return static_cast<T>(v);
}

}  // namespace

std::vector<std::uint8_t> make_plain_message(std::int64_t msg_id, std::span<const std::uint8_t> body) {
  std::vector<std::uint8_t> out;
  out.reserve(20 + body.size());
  put_le<std::int64_t>(out, 0);
  put_le<std::int64_t>(out, msg_id);
  put_le<std::int32_t>(out, static_cast<std::int32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

PlainMessage parse_plain_message(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20) throw ProtocolError(Refusal::malformed, "unencrypted message shorter than its 20-byte header");
  if (get_le<std::int64_t>(packet.data()) != 0) throw ProtocolError(Refusal::malformed, "unencrypted message with a non-zero auth_key_id");
  const auto length = get_le<std::int32_t>(packet.data() + 16);
  if (length < 0 || static_cast<std::size_t>(length) != packet.size() - 20)
    throw ProtocolError(Refusal::malformed, "unencrypted message length " + std::to_string(length) + " does not match the " +
                                                std::to_string(packet.size() - 20) + " bytes that follow");
  return PlainMessage{get_le<std::int64_t>(packet.data() + 8), packet.subspan(20)};
}

bool is_plain_packet(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < 8) return false;
  return get_le<std::int64_t>(packet.data()) == 0;
}

}  // namespace mtpipe::mtproto
