#include "mtproto/session/server_session.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "mtproto/error.h"
#include "mtproto/session/container.h"
#include "tl/errors.h"
#include "tl/api.h"
#include "tl/reader.h"
#include "tl/serialize.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::mtproto::session {
namespace {

constexpr std::size_t kMaxUnacked = 64;
constexpr std::size_t kMaxKeptBody = 16 * 1024;
constexpr std::size_t kMaxPacketBytes = 1 << 20;
constexpr std::int64_t kOldMsgIdShiftNs = 400 * kNsPerSecond;

// Service constructors a client may mark either way; everything else it sends is an RPC query and must be
// content-related (odd seq_no).
bool is_service(std::uint32_t id) noexcept {
  namespace mt = tl::mt;
  switch (id) {
    case mt::msgs_ack::ID:
    case mt::ping::ID:
    case mt::ping_delay_disconnect::ID:
    case mt::get_future_salts::ID:
    case mt::msgs_state_req::ID:
    case mt::msgs_state_info::ID:
    case mt::msgs_all_info::ID:
    case mt::msg_resend_req::ID:
    case mt::destroy_session::ID:
    case mt::rpc_drop_answer::ID:
    case mt::http_wait::ID:
      return true;
    default:
      return false;
  }
}

}  // namespace

ServerSession::ServerSession(ServerKeyState& key, std::int64_t session_id, crypto::Rng& rng, const Clock& clock,
                             SessionFaults faults, PushPolicy push_policy)
    : key_(key), session_id_(session_id), rng_(rng), clock_(clock), faults_(faults), push_policy_(push_policy) {}

void ServerSession::queue(std::vector<std::uint8_t> body, bool content, MsgIdKind kind) {
  out_.push_back(Out{std::move(body), content, kind});
}

void ServerSession::bad_msg(std::int64_t msg_id, std::int32_t seq_no, std::int32_t code) {
  tl::mt::bad_msg_notification n;
  n.bad_msg_id = msg_id;
  n.bad_msg_seqno = seq_no;
  n.error_code = code;
  ++stats_.bad_msg_notifications;
  queue(tl::serialize(n), false, MsgIdKind::server_response);
}

void ServerSession::receive(const Opened& opened, std::vector<ServerQuery>& queries, ServerSignals& signals) {
  const auto& h = opened.header;
  const std::int64_t now = clock_.unix_ns();
  if ((h.msg_id & 3) != 0) return bad_msg(h.msg_id, h.seq_no, 18);
  switch (msg_id_age(h.msg_id, now)) {
    case MsgIdAge::too_old: return bad_msg(h.msg_id, h.seq_no, 16);
    case MsgIdAge::too_new: return bad_msg(h.msg_id, h.seq_no, 17);
    case MsgIdAge::ok: break;
  }
  if (!key_.salts.accepts(h.salt, now / kNsPerSecond)) {
    tl::mt::bad_server_salt n;
    n.bad_msg_id = h.msg_id;
    n.bad_msg_seqno = h.seq_no;
    n.error_code = 48;
    n.new_server_salt = key_.salts.current(now / kNsPerSecond);
    ++stats_.bad_server_salts;
    queue(tl::serialize(n), false, MsgIdKind::server_response);
    return;
  }
  unpack(h.msg_id, h.seq_no, opened.body, unpacked_);
  // A container's id is above its messages' ids: its messages are checked first, each on its own.
  if (unpacked_.container_msg_id != 0 ? seen_.contains(h.msg_id) : seen_.accept(h.msg_id) != ReplayWindow::Verdict::fresh) {
    ++stats_.duplicates;
    unpacked_.clear();
    return;
  }
  if (!created_) {
    // first_msg_id is the lowest id of this first packet, the container's included (peers.md §4.3, mtcute).
    created_ = true;
    tl::mt::new_session_created n;
    n.first_msg_id = unpacked_.lowest_msg_id();
    rng_.fill(std::span(reinterpret_cast<std::uint8_t*>(&n.unique_id), 8));
    n.server_salt = key_.salts.current(now / kNsPerSecond);
    queue(tl::serialize(n), true, MsgIdKind::server_other);
  }
  if (unpacked_.container_msg_id != 0 && (h.seq_no & 1)) {
    bad_msg(h.msg_id, h.seq_no, 34);
    return;
  }
  for (const auto& m : unpacked_.messages) {
    if (unpacked_.container_msg_id != 0 && seen_.accept(m.msg_id) != ReplayWindow::Verdict::fresh) {
      ++stats_.duplicates;
      continue;
    }
    const std::uint32_t ctor = m.constructor();
    // An odd-seq msgs_ack breaks the rules, but mtcute 0.28 sends every ack that way and Telegram lets it
    // pass, so the sim does too.
    if (!is_service(ctor) && !(m.seq_no & 1)) {
      bad_msg(m.msg_id, m.seq_no, 35);
      continue;
    }
    try {
      handle(m, queries, signals);
    } catch (const tl::DecodeError& e) {
      throw ProtocolError(Refusal::malformed, std::string("client message: ") + e.what());
    }
  }
  if (unpacked_.container_msg_id != 0) seen_.accept(h.msg_id);
  unpacked_.clear();
}

void ServerSession::handle(const InMessage& m, std::vector<ServerQuery>& queries, ServerSignals& signals) {
  namespace mt = tl::mt;
  const std::int64_t now_s = clock_.unix_ns() / kNsPerSecond;
  switch (m.constructor()) {
    case mt::msgs_ack::ID:
      acked(tl::parse_boxed<mt::msgs_ack>(m.body).msg_ids);
      return;
    case mt::ping::ID:
      pong(m.msg_id, tl::parse_boxed<mt::ping>(m.body).ping_id);
      return;
    case mt::ping_delay_disconnect::ID: {
      const auto ping = tl::parse_boxed<mt::ping_delay_disconnect>(m.body);
      signals.disconnect_delay_s = ping.disconnect_delay;
      pong(m.msg_id, ping.ping_id);
      return;
    }
    case mt::get_future_salts::ID: {
      const auto req = tl::parse_boxed<mt::get_future_salts>(m.body);
      mt::future_salts salts;
      salts.req_msg_id = m.msg_id;
      salts.now = static_cast<std::int32_t>(now_s);
      for (const auto& s : key_.salts.future(now_s, std::clamp(req.num, 1, 64))) {
        mt::future_salt fs;
        fs.valid_since = s.valid_since;
        fs.valid_until = s.valid_until;
        fs.salt = s.salt;
        salts.salts.push_back(fs);
      }
      queue(tl::serialize(salts), false, MsgIdKind::server_response);
      return;
    }
    case mt::msgs_state_req::ID: {
      const auto req = tl::parse_boxed<mt::msgs_state_req>(m.body);
      mt::msgs_state_info info;
      info.req_msg_id = m.msg_id;
      for (const auto id : req.msg_ids) {
        char state = 1;
        if (seen_.contains(id)) state = 4 | 32;  // received, query processed
        else if (id > seen_.lowest()) state = 3;
        info.info.push_back(state);
      }
      queue(tl::serialize(info), false, MsgIdKind::server_response);
      return;
    }
    case mt::destroy_session::ID:
      signals.destroy_session.emplace_back(m.msg_id, tl::parse_boxed<mt::destroy_session>(m.body).session_id);
      return;
    case mt::rpc_drop_answer::ID: {
      // Answers are produced at once, so there is never a running query to drop.
      const std::vector<std::uint8_t> unknown = tl::serialize(mt::rpc_answer_unknown{});
      reply(m.msg_id, unknown);
      return;
    }
    case mt::msgs_state_info::ID:
    case mt::msgs_all_info::ID:
    case mt::msg_resend_req::ID:
    case mt::http_wait::ID:
      return;
    default:
      ++stats_.queries;
      queries.push_back(ServerQuery{m.msg_id, {m.body.begin(), m.body.end()}});
      return;
  }
}

void ServerSession::acked(const std::vector<std::int64_t>& msg_ids) {
  const std::int64_t now = clock_.unix_ns();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < unacked_.size(); ++i) {
    Out& o = unacked_[i];
    if (std::find(msg_ids.begin(), msg_ids.end(), o.sent_id) != msg_ids.end()) {
      if (o.pushed) {
        ++stats_.pushes_acked;
        note_push_wait(o, now);
      }
      continue;
    }
    if (kept != i) unacked_[kept] = std::move(o);
    ++kept;
  }
  unacked_.erase(unacked_.begin() + static_cast<std::ptrdiff_t>(kept), unacked_.end());
}

void ServerSession::note_push_wait(Out& o, std::int64_t now_ns) {
  const std::int64_t waited = now_ns - o.first_sent_ns;
  stats_.longest_push_wait_ns = std::max(stats_.longest_push_wait_ns, waited);
  if (push_policy_.late_after_ns > 0 && waited > push_policy_.late_after_ns && !o.late) {
    o.late = true;
    ++stats_.pushes_late;
  }
}

std::int64_t ServerSession::audit_pushes() {
  const std::int64_t now = clock_.unix_ns();
  std::int64_t next_due = 0;
  const auto due_at = [&](std::int64_t t) { next_due = next_due == 0 ? t : std::min(next_due, t); };
  std::vector<Out> resend;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < unacked_.size(); ++i) {
    Out& o = unacked_[i];
    if (o.pushed) {
      note_push_wait(o, now);
      if (push_policy_.late_after_ns > 0 && !o.late) due_at(o.first_sent_ns + push_policy_.late_after_ns + 1);
      if (push_policy_.resend_after_ns > 0) {
        if (now - o.last_sent_ns >= push_policy_.resend_after_ns) {
          o.resend = true;
          ++stats_.pushes_resent;
          resend.push_back(std::move(o));
          continue;
        }
        due_at(o.last_sent_ns + push_policy_.resend_after_ns);
      }
    }
    if (kept != i) unacked_[kept] = std::move(o);
    ++kept;
  }
  unacked_.erase(unacked_.begin() + static_cast<std::ptrdiff_t>(kept), unacked_.end());
  // Ahead of anything queued, like the re-sends of rebind(); next_packet() sends them and watches them again.
  out_.insert(out_.begin(), std::make_move_iterator(resend.begin()), std::make_move_iterator(resend.end()));
  if (!resend.empty()) due_at(now + push_policy_.resend_after_ns);
  return next_due;
}

void ServerSession::pong(std::int64_t ping_msg_id, std::int64_t ping_id) {
  // A raw pong, not inside rpc_result: Telethon and mtcute wait for exactly this (peers.md §5).
  tl::mt::pong pong;
  pong.msg_id = ping_msg_id;
  pong.ping_id = ping_id;
  queue(tl::serialize(pong), false, MsgIdKind::server_response);
}

void ServerSession::reply(std::int64_t req_msg_id, std::span<const std::uint8_t> result, bool gzip) {
  tl::Writer w(result.size() + 16);
  w.u32(tl::kRpcResultId);
  w.i64(req_msg_id);
  const auto packed = gzip && result.size() > 256 ? gzip_packed_if_smaller(result) : std::nullopt;
  w.raw(packed ? std::span<const std::uint8_t>(*packed) : result);
  queue(w.take(), true, MsgIdKind::server_response);
}

void ServerSession::reply_error(std::int64_t req_msg_id, std::int32_t code, std::string_view message) {
  tl::mt::rpc_error error;
  error.error_code = code;
  error.error_message = std::string(message);
  reply(req_msg_id, tl::serialize(error));
}

void ServerSession::reply_raw(std::span<const std::uint8_t> body) {
  queue({body.begin(), body.end()}, false, MsgIdKind::server_response);
}

void ServerSession::push(std::span<const std::uint8_t> body) {
  queue({body.begin(), body.end()}, true, MsgIdKind::server_other);
  out_.back().pushed = true;
}

void ServerSession::rebind() {
  // Ahead of anything queued, in the order they were first sent, under new msg_ids.
  for (auto& o : unacked_) {
    o.sent_id = 0;
    o.resend = false;
  }
  out_.insert(out_.begin(), std::make_move_iterator(unacked_.begin()), std::make_move_iterator(unacked_.end()));
  unacked_.clear();
}

bool ServerSession::next_packet(std::vector<std::uint8_t>& out) {
  if (replay_pending_) {
    replay_pending_ = false;
    out = last_packet_;
    return true;
  }
  if (out_.empty()) return false;
  const std::int64_t sent_at = clock_.unix_ns();
  std::int64_t now = sent_at;
  if (faults_ & fault_bit(SessionFault::old_msg_id)) now -= kOldMsgIdShiftNs;

  std::size_t take = 0, bytes = 0;
  while (take < out_.size() && take < kMaxContainerMessages) {
    const std::size_t add = container_entry_size(out_[take].body.size());
    if (take > 0 && bytes + add > kMaxPacketBytes) break;
    bytes += add;
    ++take;
  }
  std::vector<OutRef> refs;
  refs.reserve(take);
  bool resending = false;
  for (std::size_t i = 0; i < take; ++i) {
    auto& o = out_[i];
    if (o.resend) {
      resending = true;
      o.resend = false;
    } else {
      o.sent_id = sequencer_.ids().next(now, o.kind);
      o.sent_seq_no = sequencer_.next_seq_no(o.content);
    }
    if (o.first_sent_ns == 0) {
      o.first_sent_ns = sent_at;
      if (o.pushed) ++stats_.pushes;
    }
    o.last_sent_ns = sent_at;
    refs.push_back({o.sent_id, o.sent_seq_no, o.body});
  }
  const Packed packed = pack_messages(refs, sequencer_, now, MsgIdKind::server_other, body_, resending);
  MessageHeader header{key_.salts.current(now / kNsPerSecond), session_id_, packed.msg_id, packed.seq_no};
  if (faults_ & fault_bit(SessionFault::wrong_session_id)) header.session_id ^= 0x5a5a5a5a;
  seal(key_.key, crypto::MsgDirection::kServerToClient, header, packed.body, rng_, out);
  if (faults_ & fault_bit(SessionFault::bad_msg_key)) out[8] ^= 0x01;
  if (faults_ & fault_bit(SessionFault::foreign_auth_key_id)) out[0] ^= 0xff;
  if (faults_ & fault_bit(SessionFault::replay_msg_id)) {
    last_packet_ = out;
    replay_pending_ = true;
  }

  for (std::size_t i = 0; i < take; ++i) {
    // Large answers (file parts) are not kept: a client that lost them asks again.
    if (out_[i].content && out_[i].body.size() <= kMaxKeptBody && unacked_.size() < kMaxUnacked)
      unacked_.push_back(std::move(out_[i]));
  }
  out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(take));
  release_if_large(body_);
  return true;
}

}  // namespace mtpipe::mtproto::session
