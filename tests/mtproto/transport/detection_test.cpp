// How the server tells transports apart from the first bytes, and what it refuses.

#include <gtest/gtest.h>

#include <string>

#include "mtproto/error.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/detect.h"
#include "mtproto/transport/obfuscation.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using Kind = Detection::Kind;

std::vector<std::uint8_t> bytes(std::initializer_list<std::uint8_t> list) { return list; }
std::vector<std::uint8_t> text(const std::string& s) { return {s.begin(), s.end()}; }

TEST(DetectTransport, AskesForJustEnoughBytes) {
  EXPECT_EQ(detect_transport({}).kind, Kind::need_more);
  EXPECT_EQ(detect_transport({}).size, 1);
  EXPECT_EQ(detect_transport(bytes({0xee})).size, 4);
  EXPECT_EQ(detect_transport(bytes({0xee, 0xee, 0xee, 0xef})).size, 8);
}

TEST(DetectTransport, RecognisesEachStart) {
  auto d = detect_transport(bytes({0xef}));
  EXPECT_EQ(d.kind, Kind::plain);
  EXPECT_EQ(d.framing, Framing::abridged);
  EXPECT_EQ(d.size, 1);

  d = detect_transport(bytes({0xee, 0xee, 0xee, 0xee}));
  EXPECT_EQ(d.kind, Kind::plain);
  EXPECT_EQ(d.framing, Framing::intermediate);
  EXPECT_EQ(d.size, 4);

  d = detect_transport(bytes({0xdd, 0xdd, 0xdd, 0xdd}));
  EXPECT_EQ(d.framing, Framing::padded_intermediate);
  EXPECT_EQ(d.size, 4);

  d = detect_transport(bytes({0x28, 0, 0, 0, 0, 0, 0, 0}));  // full: length 40, seq 0
  EXPECT_EQ(d.kind, Kind::plain);
  EXPECT_EQ(d.framing, Framing::full);
  EXPECT_EQ(d.size, 0);

  d = detect_transport(bytes({0x28, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(d.kind, Kind::obfuscated);
  EXPECT_EQ(d.size, 64);
}

TEST(DetectTransport, RefusesHttpAndTls) {
  for (const char* verb : {"POST /api", "GET /api", "HEAD /", "OPTIONS"}) {
    try {
      detect_transport(text(verb));
      ADD_FAILURE() << verb << " was not refused";
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.refusal(), Refusal::malformed);
      EXPECT_NE(std::string(e.what()).find("HTTP"), std::string::npos) << e.what();
    }
  }
  // A TLS ClientHello record is fake-TLS MTProxy's start, for the server codec to judge.
  EXPECT_EQ(detect_transport(bytes({0x16, 0x03, 0x01, 0x02})).kind, Detection::Kind::tls_handshake);
}

// The server codec, fed a client's bytes one at a time, knows the transport exactly when it has enough of them.
TEST(ServerCodec, DetectsEachTransportFromItsFirstBytes) {
  struct Case {
    TransportSpec spec;
    std::size_t bytes_needed;
  };
  const Case cases[] = {{{Framing::abridged, false}, 1},           {{Framing::intermediate, false}, 4},
                        {{Framing::padded_intermediate, false}, 4}, {{Framing::full, false}, 8},
                        {{Framing::abridged, true}, 64},            {{Framing::intermediate, true}, 64},
                        {{Framing::padded_intermediate, true}, 64}};
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.spec));
    test::SeededRng rng(11);
    ClientCodec client(c.spec, rng);
    ServerCodec server(rng);
    auto wire = client.take_prefix();
    const auto packet = test::encrypted_packet(rng, 72);
    client.encode(packet, true, wire);
    std::vector<Inbound> events;
    for (std::size_t i = 0; i < wire.size(); ++i) {
      EXPECT_EQ(server.detected(), i >= c.bytes_needed) << "after " << i << " bytes";
      server.feed(std::span(wire).subspan(i, 1), events);
    }
    EXPECT_EQ(server.framing(), c.spec.framing);
    EXPECT_EQ(server.obfuscated(), c.spec.obfuscated);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload, packet);
    if (!c.spec.obfuscated) {
      EXPECT_EQ(server.dc_id(), std::nullopt);
    }
  }
}

std::vector<std::uint8_t> hello(ClientCodec& client, test::SeededRng& rng) {
  auto wire = client.take_prefix();
  client.encode(test::encrypted_packet(rng, 56), false, wire);
  return wire;
}

void expect_refused(ServerCodec& server, std::span<const std::uint8_t> wire, const std::string& needle) {
  std::vector<Inbound> events;
  try {
    server.feed(wire, events);
    ADD_FAILURE() << "not refused";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_TRUE(events.empty());
  // Refused for good: more bytes are refused again.
  EXPECT_THROW(server.feed(wire, events), ProtocolError);
}

TEST(ServerCodec, AsMtproxyRefusesPlainConnections) {
  test::SeededRng rng(12);
  const std::vector<MtproxySecret> secrets{MtproxySecret::from_bytes(rng.bytes(16))};
  for (const auto framing : {Framing::abridged, Framing::intermediate, Framing::padded_intermediate, Framing::full}) {
    ClientCodec client({framing, false}, rng);
    ServerCodec server(rng, secrets);
    expect_refused(server, hello(client, rng), "only obfuscated");
  }
}

TEST(ServerCodec, AsMtproxyRefusesAWrongSecretAndDirectObfuscation) {
  test::SeededRng rng(13);
  const std::vector<MtproxySecret> secrets{MtproxySecret::from_bytes(rng.bytes(16)),
                                           MtproxySecret::from_bytes(rng.bytes(16))};
  {
    ClientCodec client({Framing::intermediate, true}, rng, MtproxySecret::from_bytes(rng.bytes(16)));
    ServerCodec server(rng, secrets);
    expect_refused(server, hello(client, rng), "none of the 2 MTProxy secrets");
  }
  {
    ClientCodec client({Framing::intermediate, true}, rng);  // obfuscated without the proxy's secret
    ServerCodec server(rng, secrets);
    expect_refused(server, hello(client, rng), "none of the 2 MTProxy secrets");
  }
  {
    ClientCodec client({Framing::intermediate, true}, rng, secrets[1]);
    ServerCodec server(rng, secrets);
    std::vector<Inbound> events;
    server.feed(hello(client, rng), events);
    EXPECT_EQ(events.size(), 1u);
    EXPECT_EQ(server.proxy_secret_index(), 1u);
  }
}

TEST(ServerCodec, DirectServerRefusesProxyKeyedObfuscation) {
  test::SeededRng rng(14);
  ClientCodec client({Framing::abridged, true}, rng, MtproxySecret::from_bytes(rng.bytes(16)));
  ServerCodec server(rng);
  expect_refused(server, hello(client, rng), "protocol tag");
}

TEST(ServerCodec, RefusesAnObfuscatedInitWithAnUnknownTag) {
  test::SeededRng rng(15);
  auto init = generate_obfuscation_init(rng, 0x12345678U, 0);
  auto ctr = make_ctr(client_obfuscation_keys(init).encrypt);
  auto encrypted = init;
  ctr.apply(encrypted);
  std::copy(encrypted.begin() + 56, encrypted.end(), init.begin() + 56);
  ServerCodec server(rng);
  expect_refused(server, init, "0x12345678");
}

TEST(ServerCodec, RefusesHttp) {
  test::SeededRng rng(16);
  ServerCodec server(rng);
  const auto request = text("POST /api HTTP/1.1\r\n");
  expect_refused(server, request, "HTTP");
}

TEST(ServerCodec, ReportsTheDcIdOfTheObfuscatedInit) {
  for (const std::int16_t dc : {std::int16_t{2}, std::int16_t{-4}, std::int16_t{10005}, std::int16_t{-10001}}) {
    test::SeededRng rng(17);
    const auto secret = MtproxySecret::from_bytes(rng.bytes(16));
    ClientCodec client({Framing::intermediate, true}, rng, secret, dc);
    ServerCodec server(rng, std::span(&secret, 1));
    std::vector<Inbound> events;
    server.feed(hello(client, rng), events);
    EXPECT_EQ(server.dc_id(), dc);
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
