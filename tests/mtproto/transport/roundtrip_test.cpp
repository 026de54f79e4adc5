// Client <-> server round trips for every framing, with and without obfuscation and MTProxy secrets, fed whole, a
// byte at a time and in random pieces.

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/quick_ack.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using test::Chunking;
using test::SeededRng;

struct Config {
  const char* name;
  TransportSpec spec;          // as asked; a proxy secret may change it
  const char* secret_hex;      // "" for a direct connection
  TransportSpec effective;     // what the connection really uses
};

const Config kConfigs[] = {
    {"abridged", {Framing::abridged, false}, "", {Framing::abridged, false}},
    {"intermediate", {Framing::intermediate, false}, "", {Framing::intermediate, false}},
    {"padded", {Framing::padded_intermediate, false}, "", {Framing::padded_intermediate, false}},
    {"full", {Framing::full, false}, "", {Framing::full, false}},
    {"obf_abridged", {Framing::abridged, true}, "", {Framing::abridged, true}},
    {"obf_intermediate", {Framing::intermediate, true}, "", {Framing::intermediate, true}},
    {"obf_padded", {Framing::padded_intermediate, true}, "", {Framing::padded_intermediate, true}},
    // A simple secret makes the connection obfuscated whatever was asked.
    {"proxy_abridged", {Framing::abridged, false}, "00112233445566778899aabbccddeeff", {Framing::abridged, true}},
    {"proxy_intermediate", {Framing::intermediate, true}, "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
     {Framing::intermediate, true}},
    {"proxy_padded", {Framing::padded_intermediate, true}, "ffeeddccbbaa99887766554433221100",
     {Framing::padded_intermediate, true}},
    // dd and ee secrets impose padded intermediate; ee wraps it all in fake TLS.
    {"proxy_dd", {Framing::abridged, true}, "dd0123456789abcdef0123456789abcdef", {Framing::padded_intermediate, true}},
    {"proxy_ee", {Framing::intermediate, false}, "ee0123456789abcdef0123456789abcdef6578616d706c652e636f6d",
     {Framing::padded_intermediate, true}},
};

void PrintTo(const Config& config, std::ostream* os) { *os << config.name; }

constexpr std::int16_t kDcId = -10002;  // a test media DC, as MTProxy clients encode it

// One client and one server codec, the server knowing two secrets (the client's second) when proxied.
struct Link {
  explicit Link(const Config& config, std::uint64_t seed) : rng(seed) {
    if (*config.secret_hex != '\0') {
      proxy = MtproxySecret::from_bytes(test::from_hex(config.secret_hex));
      secrets = {MtproxySecret::from_bytes(rng.bytes(16)), *proxy};
    }
    client.emplace(config.spec, rng, proxy, kDcId);
    server.emplace(rng, secrets, &replay_guard);
  }

  SeededRng rng;
  FakeTlsReplayGuard replay_guard;  // per link: the seeded ClientHellos repeat from test to test
  std::optional<MtproxySecret> proxy;
  std::vector<MtproxySecret> secrets;
  std::optional<ClientCodec> client;
  std::optional<ServerCodec> server;
};

// MTProto-shaped payloads (padded intermediate strips by the MTProto layout): the smallest unencrypted message,
// 126, 127 and 128 words around abridged's long form, random sizes, and 300 KB.
std::vector<std::vector<std::uint8_t>> payloads(SeededRng& rng) {
  std::vector<std::vector<std::uint8_t>> out;
  out.push_back(test::plain_packet(rng, 0));
  out.push_back(test::encrypted_packet(rng, 40));
  out.push_back(test::encrypted_packet(rng, 504));
  out.push_back(test::plain_packet(rng, 488));
  out.push_back(test::plain_packet(rng, 492));
  for (int i = 0; i < 6; ++i) out.push_back(test::encrypted_packet(rng, 24 + 16 * (2 + rng.below(300))));
  out.push_back(test::plain_packet(rng, 4 * rng.below(1000)));
  out.push_back(test::encrypted_packet(rng, 307208));
  return out;
}

std::array<std::uint8_t, 32> msg_key_large(SeededRng& rng) {
  std::array<std::uint8_t, 32> key;
  rng.fill(key);
  return key;
}

void expect_packet(const Inbound& event, const std::vector<std::uint8_t>& payload, std::size_t index) {
  SCOPED_TRACE("event " + std::to_string(index));
  ASSERT_EQ(event.kind, Inbound::Kind::packet);
  ASSERT_EQ(event.payload.size(), payload.size());
  EXPECT_TRUE(event.payload == payload);
}

class Roundtrip : public ::testing::TestWithParam<std::tuple<Config, Chunking>> {
 protected:
  const Config& config() const { return std::get<0>(GetParam()); }
  Chunking chunking() const { return std::get<1>(GetParam()); }
  bool has_quick_ack() const { return config().effective.framing != Framing::full; }

  // The client's first bytes and one packet, so the server knows the transport.
  void open(Link& link) {
    auto wire = link.client->take_prefix();
    const auto hello = test::plain_packet(link.rng, 20);
    link.client->encode(hello, false, wire);
    std::vector<Inbound> events;
    link.server->feed(wire, events);
    ASSERT_EQ(events.size(), 1u);
    expect_packet(events[0], hello, 0);
  }
};

TEST_P(Roundtrip, ClientToServer) {
  Link link(config(), 1);
  EXPECT_EQ(link.client->spec(), config().effective);
  const auto sent = payloads(link.rng);
  auto wire = link.client->take_prefix();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const bool want = i % 2 == 1;
    EXPECT_EQ(link.client->encode(sent[i], want, wire), want && has_quick_ack());
  }
  const auto events = test::feed_in_chunks(*link.server, wire, chunking(), link.rng);

  ASSERT_TRUE(link.server->detected());
  EXPECT_EQ(link.server->framing(), config().effective.framing);
  EXPECT_EQ(link.server->obfuscated(), config().effective.obfuscated);
  if (config().effective.obfuscated) {
    EXPECT_EQ(link.server->dc_id(), kDcId);
  }
  EXPECT_EQ(link.server->proxy_secret_index(), link.proxy ? std::optional<std::size_t>(1) : std::nullopt);
  ASSERT_EQ(events.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    expect_packet(events[i], sent[i], i);
    EXPECT_EQ(events[i].quick_ack_requested, i % 2 == 1 && has_quick_ack()) << "event " << i;
  }
}

TEST_P(Roundtrip, ServerToClient) {
  Link link(config(), 2);
  open(link);
  const auto sent = payloads(link.rng);
  std::vector<std::uint8_t> wire;
  for (const auto& payload : sent) link.server->encode(payload, wire);
  const auto events = test::feed_in_chunks(*link.client, wire, chunking(), link.rng);
  ASSERT_EQ(events.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) expect_packet(events[i], sent[i], i);
}

TEST_P(Roundtrip, QuickAckRequestAndReply) {
  Link link(config(), 3);
  open(link);
  const auto key = msg_key_large(link.rng);
  const std::uint32_t token = quick_ack_token(key);
  const auto packet = test::encrypted_packet(link.rng, 88);

  std::vector<std::uint8_t> up;
  EXPECT_EQ(link.client->encode(packet, true, up), has_quick_ack());
  const auto received = test::feed_in_chunks(*link.server, up, chunking(), link.rng);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].quick_ack_requested, has_quick_ack());

  // The reply, between two packets so the client must find both frame boundaries around it.
  std::vector<std::uint8_t> down;
  link.server->encode(packet, down);
  EXPECT_EQ(link.server->encode_quick_ack(token, down), has_quick_ack());
  link.server->encode(packet, down);
  const auto events = test::feed_in_chunks(*link.client, down, chunking(), link.rng);
  ASSERT_EQ(events.size(), has_quick_ack() ? 3u : 2u);
  expect_packet(events.front(), packet, 0);
  expect_packet(events.back(), packet, events.size() - 1);
  if (has_quick_ack()) {
    EXPECT_EQ(events[1].kind, Inbound::Kind::quick_ack);
    EXPECT_EQ(events[1].quick_ack_token, token);
  }
}

TEST_P(Roundtrip, TransportErrorsReachTheClient) {
  Link link(config(), 4);
  open(link);
  const auto packet = test::plain_packet(link.rng, 40);
  const std::int32_t codes[] = {-404, -429, -444, -403};
  std::vector<std::uint8_t> down;
  for (const auto code : codes) {
    link.server->encode(packet, down);
    link.server->encode_transport_error(code, down);
  }
  const auto events = test::feed_in_chunks(*link.client, down, chunking(), link.rng);
  ASSERT_EQ(events.size(), 8u);
  for (std::size_t i = 0; i < 4; ++i) {
    expect_packet(events[2 * i], packet, 2 * i);
    EXPECT_EQ(events[2 * i + 1].kind, Inbound::Kind::transport_error);
    EXPECT_EQ(events[2 * i + 1].error_code, codes[i]);
  }
}

TEST_P(Roundtrip, BothDirectionsInterleaved) {
  Link link(config(), 5);
  auto up = link.client->take_prefix();
  std::vector<std::uint8_t> down;
  std::vector<Inbound> at_server;
  std::vector<Inbound> at_client;
  for (int round = 0; round < 20; ++round) {
    const auto question = test::encrypted_packet(link.rng, 24 + 16 * (1 + link.rng.below(40)));
    link.client->encode(question, round % 3 == 0, up);
    at_server = test::feed_in_chunks(*link.server, up, chunking(), link.rng);
    up.clear();
    ASSERT_EQ(at_server.size(), 1u);
    expect_packet(at_server[0], question, 0);
    const auto answer = test::plain_packet(link.rng, 4 * link.rng.below(200));
    link.server->encode(answer, down);
    at_client = test::feed_in_chunks(*link.client, down, chunking(), link.rng);
    down.clear();
    ASSERT_EQ(at_client.size(), 1u);
    expect_packet(at_client[0], answer, 0);
  }
}

std::string name(const ::testing::TestParamInfo<Roundtrip::ParamType>& info) {
  return std::string(std::get<0>(info.param).name) + "_" + test::to_string(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(AllTransports, Roundtrip,
                         ::testing::Combine(::testing::ValuesIn(kConfigs),
                                            ::testing::Values(Chunking::whole, Chunking::one_byte, Chunking::random)),
                         name);

}  // namespace
}  // namespace mtpipe::mtproto::transport
