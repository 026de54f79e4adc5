#include "mtproto/session/message_unpack.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "mtproto/byte_order.h"
#include "mtproto/error.h"
#include "tl/errors.h"
#include "tl/gzip.h"
#include "tl/reader.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::mtproto::session {
namespace {

void add_message(std::int64_t msg_id, std::int32_t seq_no, std::span<const std::uint8_t> body, Unpacked& out) {
  if (constructor_of(body) == tl::kGzipPackedId) {
    auto& owned = out.inflated.emplace_back();
    inflate_gzip_packed(body, owned, out.inflate_left);
    body = owned;
  }
  if (body.size() < 4) throw ProtocolError(Refusal::malformed, "message body shorter than a constructor id");
  out.messages.push_back(InMessage{msg_id, seq_no, body});
}

}  // namespace

std::uint32_t constructor_of(std::span<const std::uint8_t> boxed) noexcept {
  return boxed.size() < 4 ? 0 : load_le<std::uint32_t>(boxed.data());
}

std::uint32_t InMessage::constructor() const noexcept { return constructor_of(body); }

std::optional<std::vector<std::uint8_t>> gzip_packed_if_smaller(std::span<const std::uint8_t> body) {
  const std::string packed = tl::gzip_deflate({reinterpret_cast<const char*>(body.data()), body.size()});
  tl::Writer w(packed.size() + 12);
  w.u32(tl::kGzipPackedId);
  w.bytes({reinterpret_cast<const std::uint8_t*>(packed.data()), packed.size()});
  if (w.size() >= body.size()) return std::nullopt;
  return w.take();
}

std::int64_t Unpacked::lowest_msg_id() const noexcept {
  std::int64_t lowest = container_msg_id;
  for (const auto& m : messages)
    if (lowest == 0 || m.msg_id < lowest) lowest = m.msg_id;
  return lowest;
}

void inflate_gzip_packed(std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out, std::size_t& budget) {
  std::string_view packed;
  try {
    tl::Reader r(body);
    r.u32();
    packed = r.bytes_view();
  } catch (const tl::DecodeError& e) {
    throw ProtocolError(Refusal::malformed, std::string("gzip_packed: ") + e.what());
  }
  switch (tl::gzip_inflate(packed, budget, out)) {
    case tl::Inflated::ok:
      budget -= out.size();
      return;
    case tl::Inflated::too_large:
      throw ProtocolError(Refusal::inflation_budget, "gzip_packed inflates past the " + std::to_string(budget) +
                                                         " bytes left of the packet's budget");
    case tl::Inflated::corrupt:
      break;
  }
  throw ProtocolError(Refusal::malformed, "gzip_packed that does not inflate");
}

void unpack(std::int64_t msg_id, std::int32_t seq_no, std::span<const std::uint8_t> body, Unpacked& out,
            std::size_t inflate_budget) {
  out.clear();
  out.inflate_left = inflate_budget;
  if (constructor_of(body) != tl::kMsgContainerId) {
    add_message(msg_id, seq_no, body, out);
    return;
  }
  out.container_msg_id = msg_id;
  try {
    tl::Reader r(body);
    r.u32();
    const std::uint32_t count = r.bare_vector_count(16);
    if (count > kMaxContainerMessages)
      throw ProtocolError(Refusal::bad_container, "container of " + std::to_string(count) + " messages (at most 1024)");
    out.messages.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::int64_t inner_id = r.i64();
      const std::int32_t inner_seq = r.i32();
      const std::int32_t bytes = r.i32();
      if (bytes < 0 || bytes % 4 != 0)
        throw ProtocolError(Refusal::malformed, "container message with length " + std::to_string(bytes));
      const auto inner = r.raw(static_cast<std::size_t>(bytes));
      if (inner_id >= msg_id)
        throw ProtocolError(Refusal::bad_container, "container holds a message whose msg_id is not below the container's");
      if (constructor_of(inner) == tl::kMsgContainerId) throw ProtocolError(Refusal::bad_container, "nested msg_container");
      add_message(inner_id, inner_seq, inner, out);
    }
    if (!r.at_end()) throw ProtocolError(Refusal::malformed, "trailing bytes after the container's messages");
  } catch (const tl::DecodeError& e) {
    throw ProtocolError(Refusal::malformed, std::string("msg_container: ") + e.what());
  }
}

}  // namespace mtpipe::mtproto::session
