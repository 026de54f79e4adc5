#include "mtproto/session/container.h"

#include <cstring>

#include "tl/types.h"

namespace mtpipe::mtproto::session {
namespace {

void put(std::vector<std::uint8_t>& out, const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}

}  // namespace

void write_container(std::span<const OutRef> messages, std::vector<std::uint8_t>& out) {
  std::size_t total = 8;
  for (const auto& m : messages) total += container_entry_size(m.body.size());
  out.reserve(out.size() + total);
  const std::uint32_t id = tl::kMsgContainerId;
  const auto count = static_cast<std::uint32_t>(messages.size());
  put(out, &id, 4);
  put(out, &count, 4);
  for (const auto& m : messages) {
    const auto bytes = static_cast<std::int32_t>(m.body.size());
    put(out, &m.msg_id, 8);
    put(out, &m.seq_no, 4);
    put(out, &bytes, 4);
    put(out, m.body.data(), m.body.size());
  }
}

Packed pack_messages(std::span<const OutRef> refs, Sequencer& sequencer, std::int64_t now_ns, MsgIdKind container_kind,
                     std::vector<std::uint8_t>& scratch, bool always_container) {
  if (refs.size() == 1 && !always_container) return {refs.front().msg_id, refs.front().seq_no, refs.front().body};
  scratch.clear();
  write_container(refs, scratch);
  const std::int64_t msg_id = sequencer.ids().next(now_ns, container_kind);
  return {msg_id, sequencer.next_seq_no(false), scratch};
}

}  // namespace mtpipe::mtproto::session
