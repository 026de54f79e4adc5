#include <gtest/gtest.h>

#include <cstring>

#include "mtproto/error.h"
#include "session_pair.h"
#include "tl/api.h"
#include "tl/reader.h"
#include "tl/serialize.h"

namespace mtpipe::mtproto::session {
namespace {

using testing::SessionPair;

std::vector<std::uint8_t> query(std::uint32_t ctor, std::size_t words = 2) {
  std::vector<std::uint8_t> body(4 + 4 * words);
  std::memcpy(body.data(), &ctor, 4);
  for (std::size_t i = 4; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i);
  return body;
}

// The events of one kind, copied (pump() returns a temporary).
template <class T>
std::vector<T> of(const std::vector<SessionEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const auto* p = std::get_if<T>(&e)) out.push_back(*p);
  return out;
}

TEST(Session, QueryIsAnsweredAndTheFirstPacketCreatesTheSession) {
  SessionPair pair;
  const auto id = pair.client.send(query(0x11111111));
  const auto events = pair.pump();
  const auto results = of<RpcResult>(events);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_EQ(results[0].body, query(0x11111111));
  EXPECT_EQ(of<NewSession>(events).size(), 1u);
  EXPECT_EQ(pair.client.in_flight(), 0u);
  EXPECT_EQ(pair.server->session_id(), pair.client.session_id());
}

TEST(Session, ManyQueriesGoInOneContainerAndAreMatchedById) {
  SessionPair pair;
  std::vector<RequestId> ids;
  for (std::uint32_t i = 0; i < 100; ++i) ids.push_back(pair.client.send(query(0x20000000 + i)));
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  EXPECT_FALSE(pair.client.next_packet(packet)) << "all 100 fit one container";
  pair.to_server(packet);
  EXPECT_EQ(pair.received.size(), 100u);
  std::vector<SessionEvent> events;
  while (pair.server->next_packet(packet)) pair.client.receive(packet, events);
  const auto results = of<RpcResult>(events);
  ASSERT_EQ(results.size(), 100u);
  for (std::uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(results[i].id, ids[i]);
    EXPECT_EQ(results[i].body, query(0x20000000 + i));
  }
}

TEST(Session, WrongSaltCostsOneRoundTripAndNothingIsLost) {
  SessionPair pair;
  pair.key_state.salts.rotate_now();  // the handshake salt the client holds is no longer accepted
  const auto a = pair.client.send(query(0x11111111));
  const auto b = pair.client.send(query(0x22222222));
  const auto events = pair.pump();
  const auto results = of<RpcResult>(events);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id, a);
  EXPECT_EQ(results[1].id, b);
  EXPECT_EQ(pair.client.stats().bad_server_salts, 1u);
  EXPECT_EQ(pair.server->stats().bad_server_salts, 1u);
  EXPECT_EQ(pair.received.size(), 2u) << "each query executed once";
  EXPECT_EQ(pair.client.salt(), pair.key_state.salts.current(pair.clock.unix_ns() / kNsPerSecond));
}

TEST(Session, BuiltQueriesAreRebuiltForEveryMsgIdTheyGoOutWith) {
  SessionPair pair;
  pair.key_state.salts.rotate_now();  // forces one re-send
  std::vector<std::int64_t> built_for;
  pair.client.send_built([&](std::int64_t msg_id, std::int64_t session_id) {
    EXPECT_EQ(session_id, pair.client.session_id());
    built_for.push_back(msg_id);
    auto body = query(0x44444444);
    std::memcpy(body.data() + 4, &msg_id, 8);
    return body;
  });
  const auto results = of<RpcResult>(pair.pump());
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(built_for.size(), 2u);
  EXPECT_NE(built_for[0], built_for[1]);
  std::int64_t echoed;
  std::memcpy(&echoed, results[0].body.data() + 4, 8);
  EXPECT_EQ(echoed, built_for[1]) << "the body that went out carries the msg_id it went out with";
}

TEST(Session, ClientClockFarBehindIsCorrectedFromBadMsgNotification) {
  SessionPair pair;
  pair.client_clock.advance_ns(-600 * kNsPerSecond);
  const auto id = pair.client.send(query(0x11111111));
  const auto results = of<RpcResult>(pair.pump());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_EQ(pair.client.stats().time_corrections, 1u);
  EXPECT_NEAR(static_cast<double>(pair.client.time_offset_ns()), 600.0 * kNsPerSecond, 2.0 * kNsPerSecond);
}

TEST(Session, ClientClockFarAheadIsCorrectedToo) {
  SessionPair pair;
  pair.client_clock.advance_ns(120 * kNsPerSecond);
  pair.client.send(query(0x11111111));
  EXPECT_EQ(of<RpcResult>(pair.pump()).size(), 1u);
  EXPECT_EQ(pair.client.stats().time_corrections, 1u);
  EXPECT_EQ(pair.server_sessions, 2) << "ids cannot go back within a session: a new one was started";
}

TEST(Session, LargeBodiesTravelGzippedBothWaysAndArriveInflated) {
  SessionPair pair;
  auto big = query(0x33333333, 2000);  // compressible
  pair.app = [](ServerSession& s, const ServerQuery& q) { s.reply(q.msg_id, q.body, /*gzip=*/true); };
  pair.client.send(big);
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  EXPECT_LT(packet.size(), big.size() / 2) << "the query went out gzipped";
  pair.to_server(packet);
  ASSERT_EQ(pair.received.size(), 1u);
  EXPECT_EQ(pair.received[0], big) << "the server application sees it inflated";
  ASSERT_TRUE(pair.server->next_packet(packet));
  EXPECT_LT(packet.size(), big.size() / 2) << "the answer came back gzipped";
  std::vector<SessionEvent> events;
  pair.client.receive(packet, events);
  const auto results = of<RpcResult>(events);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].body, big);
}

TEST(Session, RpcErrorBecomesAnErrorEvent) {
  SessionPair pair;
  pair.app = [](ServerSession& s, const ServerQuery& q) { s.reply_error(q.msg_id, 420, "FLOOD_WAIT_7"); };
  const auto id = pair.client.send(query(0x11111111));
  const auto errors = of<RpcError>(pair.pump());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].id, id);
  EXPECT_EQ(errors[0].code, 420);
  EXPECT_EQ(errors[0].message, "FLOOD_WAIT_7");
}

TEST(Session, PingIsAnsweredWithARawPongMatchedToIt) {
  SessionPair pair;
  tl::mt::ping ping;
  ping.ping_id = 99;
  const auto id = pair.client.send(tl::serialize(ping));
  const auto results = of<RpcResult>(pair.pump());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  tl::Reader r(results[0].body);
  ASSERT_EQ(r.u32(), tl::mt::pong::ID);
  tl::mt::pong pong;
  pong.tl_read_bare(r);
  EXPECT_EQ(pong.ping_id, 99);
  EXPECT_TRUE(pair.received.empty()) << "service queries never reach the application";
}

TEST(Session, FutureSaltsAreAdoptedWhenTheCurrentOneExpires) {
  SessionPair pair;
  tl::mt::get_future_salts req;
  req.num = 4;
  pair.client.send(tl::serialize(req));
  ASSERT_EQ(of<RpcResult>(pair.pump()).size(), 1u);
  // Two periods later the handshake salt is refused by the server; the client already switched.
  pair.clock.advance_ns(2 * 1800 * kNsPerSecond);
  pair.client_clock.advance_ns(2 * 1800 * kNsPerSecond);
  pair.client.send(query(0x11111111));
  EXPECT_EQ(of<RpcResult>(pair.pump()).size(), 1u);
  EXPECT_EQ(pair.client.stats().bad_server_salts, 0u);
}

TEST(Session, CancelledQueryAnswerIsDropped) {
  SessionPair pair;
  const auto id = pair.client.send(query(0x11111111));
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  pair.to_server(packet);
  pair.client.cancel(id);
  const auto events = pair.pump();
  EXPECT_TRUE(of<RpcResult>(events).empty());
  EXPECT_EQ(pair.client.in_flight(), 0u);
}

TEST(Session, ReconnectResendsUnansweredQueries) {
  SessionPair pair;
  const auto id = pair.client.send(query(0x11111111));
  std::vector<std::uint8_t> lost;
  ASSERT_TRUE(pair.client.next_packet(lost));  // sent, but the connection died before the server saw it
  pair.client.on_reconnect();
  const auto results = of<RpcResult>(pair.pump());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
  EXPECT_EQ(pair.client.stats().resent, 1u);
}

TEST(Session, ClientAcknowledgesWhatTheServerSent) {
  SessionPair pair;
  for (int i = 0; i < 10; ++i) pair.client.send(query(0x11111111));
  pair.pump();
  std::vector<std::uint8_t> packet;
  ASSERT_FALSE(pair.client.next_packet(packet)) << "11 acks owed: below the threshold, they wait";
  pair.client.flush_acks();
  ASSERT_TRUE(pair.client.next_packet(packet)) << "acks owed for 10 results and new_session_created";
  pair.to_server(packet);
  pair.server->rebind();
  EXPECT_FALSE(pair.server->has_output()) << "everything acknowledged, nothing to re-send";
}

TEST(Session, ServerResendsUnacknowledgedAnswersOnANewConnection) {
  SessionPair pair;
  const auto id = pair.client.send(query(0x11111111));
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  pair.to_server(packet);
  ASSERT_TRUE(pair.server->next_packet(packet));  // the answer is lost with the connection
  pair.server->rebind();
  const auto results = of<RpcResult>(pair.pump());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].id, id);
}

TEST(Session, ServerRefusesWrongParityAndSeqNo) {
  SessionPair pair;
  // An RPC query marked non-content-related: a hand-made message with an even seq_no.
  MessageHeader h{pair.handshake.server_salt, 42, (pair.clock.unix_ns() / kNsPerSecond) << 32 | 4, 0};
  std::vector<std::uint8_t> packet;
  const auto body = query(0x11111111);
  seal(pair.key_state.key, crypto::MsgDirection::kClientToServer, h, body, pair.rng, packet);
  pair.to_server(packet);
  EXPECT_TRUE(pair.received.empty());
  EXPECT_EQ(pair.server->stats().bad_msg_notifications, 1u);
  // A client msg_id that is not divisible by 4.
  h.msg_id += 1;
  h.seq_no = 1;
  seal(pair.key_state.key, crypto::MsgDirection::kClientToServer, h, body, pair.rng, packet);
  pair.to_server(packet);
  EXPECT_TRUE(pair.received.empty());
  EXPECT_EQ(pair.server->stats().bad_msg_notifications, 2u);
}

TEST(Session, ServerDropsDuplicateMessages) {
  SessionPair pair;
  pair.client.send(query(0x11111111));
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  pair.to_server(packet);
  pair.to_server(packet);
  EXPECT_EQ(pair.received.size(), 1u);
  EXPECT_EQ(pair.server->stats().duplicates, 1u);
}

TEST(Session, ServerLetsAContentRelatedMsgsAckPassAsTelegramDoesForMtcute) {
  // mtcute 0.28 marks its acks content-related (odd seq_no); Telegram takes them, so the sim does too, while an
  // RPC query marked non-content-related is still answered with code 35 (ServerRefusesWrongParityAndSeqNo).
  SessionPair pair;
  const MessageHeader h{pair.handshake.server_salt, 42, (pair.clock.unix_ns() / kNsPerSecond) << 32 | 4, 1};
  std::vector<std::uint8_t> packet;
  seal(pair.key_state.key, crypto::MsgDirection::kClientToServer, h, tl::serialize(tl::mt::msgs_ack{}), pair.rng,
       packet);
  pair.to_server(packet);
  EXPECT_EQ(pair.server->stats().bad_msg_notifications, 0u);
}

// destroy_session_ok/none carry no req_msg_id, only the session they are about.
TEST(Session, DestroySessionAnswersGoToTheOldestQueryForThatSession) {
  SessionPair pair;
  const auto destroy = [&](std::int64_t session_id) {
    tl::mt::destroy_session d;
    d.session_id = session_id;
    return pair.client.send(tl::serialize(d));
  };
  const auto answer = [&](auto reply, std::int64_t session_id) {
    reply.session_id = session_id;
    pair.server->reply_raw(tl::serialize(reply));
  };
  const RequestId first = destroy(0x1111), second = destroy(0x1111), other = destroy(0x2222);
  std::vector<std::uint8_t> packet;
  ASSERT_TRUE(pair.client.next_packet(packet));
  pair.to_server(packet);
  answer(tl::mt::destroy_session_none{}, 0x2222);
  answer(tl::mt::destroy_session_ok{}, 0x1111);
  answer(tl::mt::destroy_session_none{}, 0x1111);
  answer(tl::mt::destroy_session_ok{}, 0x3333);  // about a session nobody asked to destroy
  std::vector<SessionEvent> events;
  while (pair.server->next_packet(packet)) pair.client.receive(packet, events);
  const auto results = of<RpcResult>(events);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].id, other);
  EXPECT_EQ(constructor_of(results[0].body), tl::mt::destroy_session_none::ID);
  EXPECT_EQ(results[1].id, first);
  EXPECT_EQ(constructor_of(results[1].body), tl::mt::destroy_session_ok::ID);
  EXPECT_EQ(results[2].id, second);
  EXPECT_EQ(constructor_of(results[2].body), tl::mt::destroy_session_none::ID);
  EXPECT_EQ(pair.client.in_flight(), 0u);
}

struct FaultCase {
  SessionFault fault;
  Refusal refusal;
};

class ClientRefuses : public ::testing::TestWithParam<FaultCase> {};

TEST_P(ClientRefuses, MisbehavingServer) {
  SessionPair pair(fault_bit(GetParam().fault));
  pair.client.send(query(0x11111111));
  try {
    pair.pump();
    FAIL() << "the client accepted a misbehaving server";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), GetParam().refusal) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, ClientRefuses,
                         ::testing::Values(FaultCase{SessionFault::bad_msg_key, Refusal::bad_msg_key},
                                           FaultCase{SessionFault::wrong_session_id, Refusal::bad_session_id},
                                           FaultCase{SessionFault::old_msg_id, Refusal::bad_msg_id},
                                           FaultCase{SessionFault::replay_msg_id, Refusal::replayed_msg_id},
                                           FaultCase{SessionFault::foreign_auth_key_id, Refusal::bad_auth_key_id}));

}  // namespace
}  // namespace mtpipe::mtproto::session
