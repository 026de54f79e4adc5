// Every check the client session makes on what a server sends (security_guidelines; description, "Important
// checks"; service_messages_about_messages), each provoked on its own. The packets are sealed with the right
// key and msg_key and carry the client's session_id, so the check a test names is the one that fires; each
// refusal has an accepted twin that differs only in what the check looks at.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <optional>
#include <string>

#include "mtproto/error.h"
#include "mtproto/session/container.h"
#include "session_pair.h"
#include "tl/api.h"
#include "tl/gzip.h"
#include "tl/serialize.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::mtproto::session {
namespace {

using testing::SessionPair;

// A harmless service message: an empty msgs_ack.
std::vector<std::uint8_t> empty_ack() { return tl::serialize(tl::mt::msgs_ack{}); }

// A message the client hands on as an update: `size` bytes under a constructor id no service message has.
std::vector<std::uint8_t> update_of(std::size_t size) {
  std::vector<std::uint8_t> body(size, 0x11);
  const std::uint32_t id = 0x12345678;
  std::memcpy(body.data(), &id, 4);
  return body;
}

std::vector<std::uint8_t> container_of(const std::vector<OutRef>& refs) {
  std::vector<std::uint8_t> out;
  write_container(refs, out);
  return out;
}

// The ProtocolError the client refused `packet` with, or nothing when it took it.
std::optional<ProtocolError> refusal_of(SessionPair& pair, std::span<const std::uint8_t> packet,
                                        std::vector<SessionEvent>* events = nullptr) {
  std::vector<SessionEvent> ignored;
  try {
    pair.client.receive(packet, events != nullptr ? *events : ignored);
  } catch (const ProtocolError& e) {
    return e;
  }
  return std::nullopt;
}

void expect_refused(const std::optional<ProtocolError>& e, Refusal expected, const std::string& words = {}) {
  ASSERT_TRUE(e.has_value()) << "accepted; expected a refusal: " << to_string(expected);
  EXPECT_EQ(e->refusal(), expected) << e->what();
  EXPECT_NE(std::string(e->what()).find(words), std::string::npos) << e->what();
}

// The msg_id of the one query the client sends next (alone in its packet, so the packet's msg_id is the query's).
std::int64_t send_one(SessionPair& pair) {
  pair.client.send(update_of(12));
  std::vector<std::uint8_t> packet, plain;
  EXPECT_TRUE(pair.client.next_packet(packet));
  return open(pair.key_state.key, crypto::MsgDirection::kClientToServer, packet, plain).header.msg_id;
}

TEST(ClientChecks, ServerMsgIdMustBeOdd) {
  for (const std::int64_t low_bits : {0, 2}) {
    SessionPair pair;
    expect_refused(refusal_of(pair, pair.server_packet(pair.server_msg_id(0, low_bits), empty_ack())),
                   Refusal::msg_id_parity);
  }
  for (const std::int64_t low_bits : {1, 3}) {
    SessionPair pair;
    EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(0, low_bits), empty_ack())));
  }
}

TEST(ClientChecks, MsgIdMoreThan30SecondsAheadIsRefused) {
  SessionPair pair;
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(30), empty_ack())));
  expect_refused(refusal_of(pair, pair.server_packet(pair.server_msg_id(31), empty_ack())), Refusal::bad_msg_id,
                 "future");
}

TEST(ClientChecks, MsgIdMoreThan300SecondsOldIsRefused) {
  SessionPair pair;
  expect_refused(refusal_of(pair, pair.server_packet(pair.server_msg_id(-301), empty_ack())), Refusal::bad_msg_id,
                 "past");
  SessionPair fresh;
  EXPECT_FALSE(refusal_of(fresh, fresh.server_packet(fresh.server_msg_id(-300), empty_ack())));
}

TEST(ClientChecks, ReplayedMsgIdIsRefused) {
  SessionPair pair;
  const auto packet = pair.server_packet(pair.server_msg_id(), empty_ack());
  EXPECT_FALSE(refusal_of(pair, packet));
  expect_refused(refusal_of(pair, packet), Refusal::replayed_msg_id);
}

TEST(ClientChecks, MsgIdBelowEveryRememberedIdIsRefused) {
  SessionPair pair;
  const std::int64_t lower = pair.server_msg_id();
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(), empty_ack())));
  expect_refused(refusal_of(pair, pair.server_packet(lower, empty_ack())), Refusal::replayed_msg_id);
}

TEST(ClientChecks, EvenMsgIdInsideAContainerIsRefused) {
  for (const std::int64_t low_bits : {0, 1}) {
    SessionPair pair;
    const auto ack = empty_ack();
    const std::int64_t first = pair.server_msg_id(), second = pair.server_msg_id(0, low_bits);
    const auto body = container_of({{first, 0, ack}, {second, 0, ack}});
    const auto result = refusal_of(pair, pair.server_packet(pair.server_msg_id(0, 3), body));
    if (low_bits == 0) {
      expect_refused(result, Refusal::msg_id_parity, "container");
    } else {
      EXPECT_FALSE(result);
    }
  }
}

// A message id seen before is ignored (security_guidelines); alone it is a replayed packet and refused, inside a
// container it may be the server re-sending what we have not acknowledged yet, so it is acknowledged again but
// not handled twice.
TEST(ClientChecks, RepeatedMessageInsideAContainerIsNotHandledTwice) {
  SessionPair pair;
  const auto update = update_of(12);
  const std::int64_t earlier = pair.server_msg_id();
  std::vector<SessionEvent> events;
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(earlier, update, 1), &events));
  const std::int64_t fresh = pair.server_msg_id();
  const auto body = container_of({{earlier, 1, update}, {fresh, 3, update}, {fresh, 3, update}});
  const auto refused = refusal_of(pair, pair.server_packet(pair.server_msg_id(0, 3), body), &events);
  EXPECT_FALSE(refused) << refused->what();
  EXPECT_EQ(events.size(), 2u) << "the first packet's update and the fresh one, each once";
}

TEST(ClientChecks, ContainerWhoseOwnMsgIdWasSeenIsRefused) {
  SessionPair pair;
  const auto ack = empty_ack();
  const std::int64_t a = pair.server_msg_id(), b = pair.server_msg_id(), outer = pair.server_msg_id(0, 3);
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(outer, container_of({{a, 0, ack}}))));
  // b lies between the ids remembered and was never seen: only the container's own id repeats.
  expect_refused(refusal_of(pair, pair.server_packet(outer, container_of({{b, 0, ack}}))), Refusal::replayed_msg_id,
                 "container msg_id");
}

TEST(ClientChecks, ContainerRulesAreChecked) {
  const auto ack = empty_ack();
  {
    SessionPair pair;
    const std::int64_t outer = pair.server_msg_id(0, 3);
    const auto body = container_of({{pair.server_msg_id(), 0, ack}});  // above the container's id
    expect_refused(refusal_of(pair, pair.server_packet(outer, body)), Refusal::bad_container, "not below");
  }
  {
    SessionPair pair;
    const std::int64_t inner = pair.server_msg_id(), middle = pair.server_msg_id(0, 3);
    const auto nested = container_of({{inner, 0, ack}});
    const auto body = container_of({{middle, 0, nested}});
    expect_refused(refusal_of(pair, pair.server_packet(pair.server_msg_id(0, 3), body)), Refusal::bad_container,
                   "nested");
  }
}

// A length check on a plaintext whose msg_key, session_id and msg_id are right, so no other check can fire.
struct LengthCase {
  const char* what;
  std::size_t body, padding;  // bytes of body and of padding actually there
  std::int32_t length;        // what message_data_length says
  std::optional<Refusal> refusal;
};

class ClientLengthChecks : public ::testing::TestWithParam<LengthCase> {};

TEST_P(ClientLengthChecks, EachHasItsOwnRefusal) {
  const auto& c = GetParam();
  SessionPair pair;
  const auto body = update_of(c.body);
  const MessageHeader h{pair.handshake.server_salt, pair.client.session_id(), pair.server_msg_id(), 0};
  const auto plain = testing::plaintext_of(h, body, c.length, c.padding);
  ASSERT_EQ(plain.size() % 16, 0u) << "a case must be whole AES blocks";
  const auto packet = testing::seal_plaintext(pair.key_state.key, crypto::MsgDirection::kServerToClient, plain);
  const auto result = refusal_of(pair, packet);
  if (c.refusal) {
    expect_refused(result, *c.refusal);
  } else {
    EXPECT_FALSE(result) << c.what << ": " << result->what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClientLengthChecks,
    ::testing::Values(LengthCase{"12 bytes of padding", 20, 12, 20, std::nullopt},
                      LengthCase{"1024 bytes of padding", 16, 1024, 16, std::nullopt},
                      LengthCase{"4 bytes of padding", 28, 4, 28, Refusal::bad_padding},
                      LengthCase{"1028 bytes of padding", 12, 1028, 12, Refusal::bad_padding},
                      LengthCase{"length (and so padding) not divisible by 4", 16, 16, 15, Refusal::bad_length},
                      LengthCase{"length past the end of the plaintext", 16, 16, 64, Refusal::bad_length},
                      LengthCase{"negative length", 16, 16, -16, Refusal::bad_length}));

TEST(ClientChecks, BadMsgNotificationAboutAMessageWeNeverSentIsIgnored) {
  for (const std::int32_t code : {16, 17, 20, 35}) {
    SessionPair pair;
    const std::int64_t sent = send_one(pair);
    const std::int64_t session = pair.client.session_id();
    tl::mt::bad_msg_notification n;
    n.bad_msg_id = sent + 4;  // the id our next message would have had
    n.error_code = code;
    std::vector<SessionEvent> events;
    EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(), tl::serialize(n)), &events));
    EXPECT_TRUE(events.empty()) << "code " << code;
    EXPECT_EQ(pair.client.session_id(), session) << "code " << code;
    EXPECT_EQ(pair.client.stats().time_corrections, 0u) << "code " << code;
    EXPECT_EQ(pair.client.stats().resent, 0u) << "code " << code;
    EXPECT_EQ(pair.client.in_flight(), 1u) << "code " << code;
  }
}

TEST(ClientChecks, BadServerSaltAboutAnotherMessageIsIgnored) {
  SessionPair pair;
  const std::int64_t sent = send_one(pair);
  const std::int64_t salt = pair.client.salt();
  tl::mt::bad_server_salt n;
  n.bad_msg_id = sent + 4;
  n.error_code = 48;
  n.new_server_salt = salt + 1;
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(), tl::serialize(n))));
  EXPECT_EQ(pair.client.salt(), salt);
  EXPECT_EQ(pair.client.stats().bad_server_salts, 0u);
  EXPECT_FALSE(pair.client.has_output()) << "nothing is sent again";
  // The same notice about the message we did send is taken.
  n.bad_msg_id = sent;
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(), tl::serialize(n))));
  EXPECT_EQ(pair.client.salt(), salt + 1);
  EXPECT_TRUE(pair.client.has_output());
}

// The bend of the time window: a notification that our clock is off comes from outside it by definition.
TEST(ClientChecks, ClockNoticeFromOutsideTheWindowIsTakenWhenItNamesOurRecentMessage) {
  SessionPair pair;
  tl::mt::bad_msg_notification n;
  n.bad_msg_id = send_one(pair);
  n.error_code = 16;
  EXPECT_FALSE(refusal_of(pair, pair.server_packet(pair.server_msg_id(600), tl::serialize(n))));
  EXPECT_EQ(pair.client.stats().time_corrections, 1u);
}

TEST(ClientChecks, ClockNoticeFromOutsideTheWindowIsRefusedUnlessAloneWellFormedAndAboutUs) {
  const auto refused = [](const std::function<std::vector<std::uint8_t>(SessionPair&, std::int64_t sent)>& body) {
    SessionPair pair;
    const std::int64_t sent = send_one(pair);
    const auto message = body(pair, sent);  // inner ids first: a container's id is above them
    expect_refused(refusal_of(pair, pair.server_packet(pair.server_msg_id(600), message)), Refusal::bad_msg_id,
                   "future");
    EXPECT_EQ(pair.client.stats().time_corrections, 0u);
  };
  const auto notice = [](std::int64_t about, std::int32_t code) {
    tl::mt::bad_msg_notification n;
    n.bad_msg_id = about;
    n.error_code = code;
    return tl::serialize(n);
  };
  refused([&](SessionPair&, std::int64_t sent) { return notice(sent + 4, 16); });  // not about our message
  refused([&](SessionPair&, std::int64_t sent) { return notice(sent, 20); });      // not about the clock
  refused([&](SessionPair& pair, std::int64_t sent) {                               // not alone
    const auto n = notice(sent, 16);
    const auto ack = empty_ack();
    return container_of({{pair.server_msg_id(600), 0, n}, {pair.server_msg_id(600), 0, ack}});
  });
  refused([&](SessionPair&, std::int64_t sent) {  // cut short: not a notification at all
    auto n = notice(sent, 16);
    n.resize(n.size() - 4);
    return n;
  });
}

TEST(ClientChecks, GzipInflationIsBudgetedPerPacketNotPerObject) {
  // Three answers of 24 MiB each: every one far under the 64 MiB an object may inflate to, together over what
  // one packet may.
  std::string result(24u << 20, '\0');
  const std::uint32_t id = 0x12345678;
  std::memcpy(result.data(), &id, 4);
  tl::Writer gz;
  gz.u32(tl::kGzipPackedId);
  gz.string(tl::gzip_deflate(result, 1));
  const auto packed = gz.take();
  for (const int answers : {2, 3}) {
    SessionPair pair;
    pair.app = [&](ServerSession& s, const ServerQuery& q) {
      tl::Writer w;
      w.u32(tl::kRpcResultId);
      w.i64(q.msg_id);
      w.raw(packed);
      s.reply_raw(w.data());
    };
    for (int i = 0; i < answers; ++i) pair.client.send(update_of(12));
    std::vector<std::uint8_t> packet;
    ASSERT_TRUE(pair.client.next_packet(packet));
    pair.to_server(packet);
    ASSERT_TRUE(pair.server->next_packet(packet));
    ASSERT_FALSE(pair.server->has_output()) << "every answer in one container";
    std::vector<SessionEvent> events;
    const auto refused = refusal_of(pair, packet, &events);
    if (answers == 2) {
      EXPECT_FALSE(refused) << refused->what();
    } else {
      expect_refused(refused, Refusal::inflation_budget);
    }
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::session
