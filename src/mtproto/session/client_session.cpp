#include "mtproto/session/client_session.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "mtproto/error.h"
#include "mtproto/session/container.h"
#include "mtproto/session/packet_crypto.h"
#include "tl/errors.h"
#include "tl/api.h"
#include "tl/reader.h"
#include "tl/serialize.h"
#include "tl/types.h"

namespace mtpipe::mtproto::session {
namespace {

constexpr std::size_t kRememberSent = 32;
constexpr std::size_t kMaxAcksPerMessage = 8192;

// The session a queued destroy_session query asks to destroy; nothing for any other query.
std::optional<std::int64_t> destroy_session_target(std::span<const std::uint8_t> body) noexcept {
  if (body.size() != 12 || constructor_of(body) != tl::mt::destroy_session::ID) return std::nullopt;
  std::int64_t session_id;
  std::memcpy(&session_id, body.data() + 4, 8);
  return session_id;
}

std::int64_t server_time_ns(std::int64_t server_msg_id) noexcept {
  const auto seconds = server_msg_id >> 32;
  const auto fraction = static_cast<std::uint64_t>(server_msg_id) & 0xffffffffu;
  return seconds * kNsPerSecond + static_cast<std::int64_t>((fraction * 1'000'000'000ull) >> 32);
}

}  // namespace

ClientSession::ClientSession(const HandshakeResult& key, crypto::Rng& rng, const Clock& clock,
                             ClientSessionOptions options)
    : key_(key.key), rng_(rng), clock_(clock), options_(options), salt_(key.server_salt) {
  start_new_session();
  sequencer_.ids().set_offset_ns(key.time_offset_ns);
}

HandshakeResult ClientSession::resume_state() const noexcept {
  HandshakeResult state;
  state.key = key_;
  state.server_salt = salt_;
  state.time_offset_ns = time_offset_ns();
  return state;
}

void ClientSession::start_new_session() {
  std::uint8_t id[8];
  do {
    rng_.fill(id);
    std::memcpy(&session_id_, id, 8);
  } while (session_id_ == 0);
  const auto offset = sequencer_.ids().offset_ns();
  sequencer_ = Sequencer{};
  sequencer_.ids().set_offset_ns(offset);
  seen_ = ReplayWindow{};
  on_reconnect();  // every query goes out again in the new session; acks for the old one mean nothing there
}

RequestId ClientSession::send(std::vector<std::uint8_t> body) {
  if (body.size() > options_.gzip_min_bytes)
    if (auto packed = gzip_packed_if_smaller(body)) body = std::move(*packed);
  const RequestId id = next_request_++;
  pending_.emplace(id, Pending{std::move(body), {}, 0, 0});
  queue_.push_back(id);
  return id;
}

RequestId ClientSession::send_built(BodyBuilder build) {
  const RequestId id = next_request_++;
  pending_.emplace(id, Pending{{}, std::move(build), 0, 0});
  queue_.push_back(id);
  return id;
}

void ClientSession::cancel(RequestId id) noexcept {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  if (it->second.msg_id != 0) by_msg_id_.erase(it->second.msg_id);
  pending_.erase(it);
  std::erase(queue_, id);
}

void ClientSession::apply_future_salt(std::int64_t now_ns) {
  if (future_salts_.empty()) return;
  const auto now_s = static_cast<std::int32_t>((now_ns + time_offset_ns()) / kNsPerSecond);
  std::erase_if(future_salts_, [&](const FutureSalt& s) { return s.valid_until <= now_s; });
  // Use the newest salt that is already valid; the server accepts it and it lasts the longest.
  const FutureSalt* best = nullptr;
  for (const auto& s : future_salts_)
    if (s.valid_since <= now_s && (best == nullptr || s.valid_since > best->valid_since)) best = &s;
  if (best != nullptr) salt_ = best->salt;
}

bool ClientSession::next_packet(std::vector<std::uint8_t>& out) {
  const bool send_acks = !acks_.empty() && (!queue_.empty() || force_acks_ || acks_.size() >= options_.ack_threshold);
  if (queue_.empty() && replies_.empty() && !send_acks) return false;
  const std::int64_t now = clock_.unix_ns();
  apply_future_salt(now);

  // Messages of this packet, in msg_id order: acks first (they are the oldest news), then replies, then queries.
  struct Item {
    std::span<const std::uint8_t> body;
    bool content;
    RequestId request;  // 0 for acks and replies
  };
  std::vector<Item> items;
  std::vector<std::uint8_t> ack_body;
  if (send_acks) {
    tl::mt::msgs_ack ack;
    const std::size_t n = std::min(acks_.size(), kMaxAcksPerMessage);
    ack.msg_ids.assign(acks_.begin(), acks_.begin() + static_cast<std::ptrdiff_t>(n));
    acks_.erase(acks_.begin(), acks_.begin() + static_cast<std::ptrdiff_t>(n));
    ack_body = tl::serialize(ack);
    items.push_back({ack_body, false, 0});
    force_acks_ = false;
  }
  std::vector<std::vector<std::uint8_t>> replies;
  replies.swap(replies_);
  for (const auto& r : replies) items.push_back({r, false, 0});

  std::size_t bytes = 0;
  for (const auto& item : items) bytes += container_entry_size(item.body.size());
  std::size_t taken = 0;
  for (; taken < queue_.size() && items.size() < kMaxContainerMessages; ++taken) {
    const auto& body = pending_.at(queue_[taken]).body;
    const std::size_t add = container_entry_size(body.size());
    if (!items.empty() && bytes + add > options_.max_container_bytes) break;
    items.push_back({body, true, queue_[taken]});
    bytes += add;
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));

  std::vector<OutRef> refs;
  refs.reserve(items.size());
  for (auto& item : items) {
    const std::int64_t msg_id = sequencer_.next_msg_id(now);
    if (item.request != 0) {
      auto& p = pending_.at(item.request);
      p.msg_id = msg_id;
      by_msg_id_[msg_id] = item.request;
      if (p.build) {
        p.body = p.build(msg_id, session_id_);
        item.body = p.body;
      }
    }
    refs.push_back({msg_id, sequencer_.next_seq_no(item.content), item.body});
  }
  const Packed packed = pack_messages(refs, sequencer_, now, MsgIdKind::client, body_);
  if (refs.size() > 1) {
    for (const auto& item : items)
      if (item.request != 0) pending_.at(item.request).container_id = packed.msg_id;
    sent_ids_.push_back(packed.msg_id);
  }
  for (const auto& ref : refs) sent_ids_.push_back(ref.msg_id);
  if (sent_ids_.size() > kRememberSent)
    sent_ids_.erase(sent_ids_.begin(), sent_ids_.end() - static_cast<std::ptrdiff_t>(kRememberSent));
  seal(key_, crypto::MsgDirection::kClientToServer, {salt_, session_id_, packed.msg_id, packed.seq_no}, packed.body,
       rng_, out);
  release_if_large(body_);
  ++stats_.packets_sent;
  return true;
}

bool ClientSession::is_clock_correction() const {
  // When our clock jumped, the server's answer is outside our window by definition. Only a notification that
  // our clock is off (16/17) about a message we sent moments ago passes: a replayed old one names ids we no
  // longer remember.
  if (unpacked_.messages.empty()) return false;
  for (const auto& m : unpacked_.messages) {
    if (m.constructor() != tl::mt::bad_msg_notification::ID) return false;
    try {
      const auto n = tl::parse_boxed<tl::mt::bad_msg_notification>(m.body);
      if ((n.error_code != 16 && n.error_code != 17) || !sent_recently(n.bad_msg_id)) return false;
    } catch (const tl::DecodeError&) {
      return false;  // not a notification at all: the time window applies
    }
  }
  return true;
}

bool ClientSession::sent_recently(std::int64_t msg_id) const noexcept {
  return std::find(sent_ids_.begin(), sent_ids_.end(), msg_id) != sent_ids_.end() || by_msg_id_.contains(msg_id);
}

void ClientSession::requeue_sent_in(std::int64_t msg_id) {
  // msg_id 0 means every query on the wire; otherwise the id may name a query or a container of queries.
  for (auto& [id, p] : pending_) {
    if (p.msg_id == 0 || (msg_id != 0 && p.msg_id != msg_id && p.container_id != msg_id)) continue;
    by_msg_id_.erase(p.msg_id);
    p.msg_id = 0;
    p.container_id = 0;
    queue_.push_back(id);
    ++stats_.resent;
  }
  std::sort(queue_.begin(), queue_.end());  // oldest request first, as the caller sent them
}

void ClientSession::on_reconnect() {
  requeue_sent_in(0);
  acks_.clear();  // acks for the old connection's messages are moot now
}

void ClientSession::receive(std::span<const std::uint8_t> packet, std::vector<SessionEvent>& events) {
  const Opened opened = open(key_, crypto::MsgDirection::kServerToClient, packet, plain_);
  const auto& h = opened.header;
  if (h.session_id != session_id_)
    throw ProtocolError(Refusal::bad_session_id, "message for session " + std::to_string(h.session_id) +
                                                     ", this session is " + std::to_string(session_id_));
  if ((h.msg_id & 1) == 0) throw ProtocolError(Refusal::msg_id_parity, "server msg_id is even");
  unpack(h.msg_id, h.seq_no, opened.body, unpacked_);
  const auto age = msg_id_age(h.msg_id, clock_.unix_ns() + time_offset_ns());
  if (age != MsgIdAge::ok && !is_clock_correction()) {
    throw ProtocolError(Refusal::bad_msg_id, age == MsgIdAge::too_old ? "server msg_id more than 300 s in the past"
                                                                      : "server msg_id more than 30 s in the future");
  }
  // A container's id is above its messages' ids, so the messages are remembered first. A message repeated in a
  // new container is the server re-sending what it holds unacknowledged (under its msg_id, as re-sends go): it is
  // not handled again, only acknowledged again. A replayed packet has an old id of its own and is refused below.
  repeated_.assign(unpacked_.messages.size(), false);
  if (unpacked_.container_msg_id != 0) {
    if (seen_.contains(h.msg_id))
      throw ProtocolError(Refusal::replayed_msg_id, "server container msg_id already seen");
    for (std::size_t i = 0; i < unpacked_.messages.size(); ++i) {
      const auto& m = unpacked_.messages[i];
      if ((m.msg_id & 1) == 0) throw ProtocolError(Refusal::msg_id_parity, "server msg_id in a container is even");
      repeated_[i] = seen_.accept(m.msg_id) != ReplayWindow::Verdict::fresh;
    }
  }
  if (seen_.accept(h.msg_id) != ReplayWindow::Verdict::fresh)
    throw ProtocolError(Refusal::replayed_msg_id, "server msg_id already seen or below the replay window");
  ++stats_.packets_received;
  for (std::size_t i = 0; i < unpacked_.messages.size(); ++i) {
    const auto& m = unpacked_.messages[i];
    if (m.seq_no & 1) acks_.push_back(m.msg_id);
    if (repeated_[i]) continue;
    try {
      handle(m, events);
    } catch (const tl::DecodeError& e) {
      throw ProtocolError(Refusal::malformed, std::string("server message: ") + e.what());
    }
  }
  unpacked_.clear();
  release_if_large(plain_);
}

std::optional<RequestId> ClientSession::finish(std::int64_t msg_id) {
  const auto it = by_msg_id_.find(msg_id);
  if (it == by_msg_id_.end()) return std::nullopt;  // cancelled, timed out, or answered already
  const RequestId id = it->second;
  by_msg_id_.erase(it);
  pending_.erase(id);
  return id;
}

void ClientSession::answer(std::int64_t req_msg_id, std::vector<std::uint8_t> body, std::vector<SessionEvent>& events) {
  if (const auto id = finish(req_msg_id)) events.emplace_back(RpcResult{*id, std::move(body)});
}

void ClientSession::handle(const InMessage& m, std::vector<SessionEvent>& events) {
  namespace mt = tl::mt;
  const auto body = m.body;
  switch (m.constructor()) {
    case tl::kRpcResultId:
      handle_rpc_result(m, events);
      return;
    case mt::pong::ID: {
      const auto pong = tl::parse_boxed<mt::pong>(body);
      answer(pong.msg_id, {body.begin(), body.end()}, events);
      return;
    }
    case mt::future_salts::ID: {
      const auto salts = tl::parse_boxed<mt::future_salts>(body);
      future_salts_.clear();
      for (const auto& s : salts.salts) future_salts_.push_back({s.valid_since, s.valid_until, s.salt});
      answer(salts.req_msg_id, {body.begin(), body.end()}, events);
      return;
    }
    case mt::msgs_state_info::ID: {
      const auto info = tl::parse_boxed<mt::msgs_state_info>(body);
      answer(info.req_msg_id, {body.begin(), body.end()}, events);
      return;
    }
    case mt::destroy_session_ok::ID:
    case mt::destroy_session_none::ID: {
      // No req_msg_id here, only the session it is about: the answer goes to the oldest query waiting to destroy
      // that session (the server answers in the order the queries reached it, which is msg_id order).
      const std::int64_t destroyed = m.constructor() == mt::destroy_session_ok::ID
                                         ? tl::parse_boxed<mt::destroy_session_ok>(body).session_id
                                         : tl::parse_boxed<mt::destroy_session_none>(body).session_id;
      std::int64_t oldest = 0;
      for (const auto& [id, p] : pending_)
        if (p.msg_id != 0 && (oldest == 0 || p.msg_id < oldest) && destroy_session_target(p.body) == destroyed)
          oldest = p.msg_id;
      if (oldest != 0) answer(oldest, {body.begin(), body.end()}, events);
      return;
    }
    case mt::new_session_created::ID: {
      const auto created = tl::parse_boxed<mt::new_session_created>(body);
      salt_ = created.server_salt;
      events.emplace_back(NewSession{created.first_msg_id});
      return;
    }
    case mt::bad_server_salt::ID:
      handle_bad_server_salt(tl::parse_boxed<mt::bad_server_salt>(body));
      return;
    case mt::bad_msg_notification::ID:
      handle_bad_msg(tl::parse_boxed<mt::bad_msg_notification>(body), m.msg_id, events);
      return;
    case mt::msgs_ack::ID:
      return;  // the server got our queries; their answers still come
    case mt::msg_detailed_info::ID:
    case mt::msg_new_detailed_info::ID:
      return;  // informational; the answer itself arrives or gets re-sent
    case mt::msgs_state_req::ID: {
      // The server asks what we know of its messages: 4 = received, 1 = unknown to us (forgotten or never seen).
      const auto req = tl::parse_boxed<mt::msgs_state_req>(body);
      mt::msgs_state_info info;
      info.req_msg_id = m.msg_id;
      info.info.reserve(req.msg_ids.size());
      for (const auto id : req.msg_ids) info.info.push_back(static_cast<char>(seen_.contains(id) ? 4 : 1));
      replies_.push_back(tl::serialize(info));
      return;
    }
    default:
      events.emplace_back(Update{{body.begin(), body.end()}});
      return;
  }
}

void ClientSession::handle_rpc_result(const InMessage& m, std::vector<SessionEvent>& events) {
  tl::Reader r(m.body);
  r.u32();
  const std::int64_t req_msg_id = r.i64();
  if (!by_msg_id_.contains(req_msg_id)) return;  // nobody waits for it: not even worth inflating
  std::span<const std::uint8_t> result = r.rest();
  std::vector<std::uint8_t> inflated;
  if (constructor_of(result) == tl::kGzipPackedId) {
    inflate_gzip_packed(result, inflated, unpacked_.inflate_left);
    result = inflated;
  }
  if (constructor_of(result) == tl::mt::rpc_error::ID) {
    auto error = tl::parse_boxed<tl::mt::rpc_error>(result);
    events.emplace_back(RpcError{*finish(req_msg_id), error.error_code, std::move(error.error_message)});
    return;
  }
  if (inflated.empty()) inflated.assign(result.begin(), result.end());
  answer(req_msg_id, std::move(inflated), events);
}

void ClientSession::handle_bad_server_salt(const tl::mt::bad_server_salt& n) {
  if (!sent_recently(n.bad_msg_id)) return;  // not about a message of ours: ignore (security_guidelines)
  salt_ = n.new_server_salt;
  ++stats_.bad_server_salts;
  requeue_sent_in(n.bad_msg_id);
}

void ClientSession::handle_bad_msg(const tl::mt::bad_msg_notification& n, std::int64_t server_msg_id,
                                   std::vector<SessionEvent>& events) {
  if (!sent_recently(n.bad_msg_id)) return;
  switch (n.error_code) {
    case 16:
    case 17: {
      // Our clock is off: take the server's time from this notification's msg_id and send again. msg_ids
      // never go back within a session, so a clock that was ahead costs a new session.
      const std::int64_t offset = server_time_ns(server_msg_id) - clock_.unix_ns();
      requeue_sent_in(n.bad_msg_id);
      if (n.error_code == 17) start_new_session();
      sequencer_.ids().set_offset_ns(offset);
      ++stats_.time_corrections;
      return;
    }
    case 20:
      requeue_sent_in(n.bad_msg_id);
      return;
    default: {
      // A bug on one side (parity, seq_no, container): fail the queries it names rather than loop.
      std::vector<std::int64_t> failed;
      for (const auto& [id, p] : pending_)
        if (p.msg_id != 0 && (p.msg_id == n.bad_msg_id || p.container_id == n.bad_msg_id)) failed.push_back(p.msg_id);
      for (const auto msg_id : failed)
        events.emplace_back(RpcError{*finish(msg_id), 500, "BAD_MSG_NOTIFICATION_" + std::to_string(n.error_code)});
      return;
    }
  }
}

}  // namespace mtpipe::mtproto::session
