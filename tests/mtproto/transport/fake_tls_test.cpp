// Fake-TLS MTProxy (ee secrets): our client codec against our server codec in memory, every fragmentation, and
// every refusal: a hello no configured secret signed, a server hello without our HMAC, a replayed or stale
// ClientHello, TLS where no ee secret is configured, an ee secret used without TLS.
#include <gtest/gtest.h>

#include <string>

#include "mtproto/error.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using test::Chunking;
using test::SeededRng;
using Bytes = std::vector<std::uint8_t>;

constexpr std::int64_t kNow = 1'750'000'000 * kNsPerSecond;

MtproxySecret ee_secret(std::uint8_t fill, const std::string& domain = "www.example.com") {
  Bytes raw{0xee};
  raw.resize(17, fill);
  for (const char c : domain) raw.push_back(static_cast<std::uint8_t>(c));
  return MtproxySecret::from_bytes(raw);
}

MtproxySecret simple_secret(std::uint8_t fill) { return MtproxySecret::from_bytes(Bytes(16, fill)); }

std::vector<Bytes> packets(SeededRng& rng) {
  // Around the record size too: one packet spans several records.
  return {test::encrypted_packet(rng, 24 + 16 * 2), test::encrypted_packet(rng, 24 + 16 * 1100),
          test::plain_packet(rng, 40), test::encrypted_packet(rng, 24 + 16 * 3000)};
}

std::vector<Bytes> payloads(const std::vector<Inbound>& events) {
  std::vector<Bytes> out;
  for (const auto& e : events) out.push_back(e.payload);
  return out;
}

// Splits the bytes after the client's hello into TLS records: (type, payload length) each.
std::vector<std::pair<std::uint8_t, std::size_t>> records(std::span<const std::uint8_t> bytes) {
  std::vector<std::pair<std::uint8_t, std::size_t>> out;
  while (bytes.size() >= 5) {
    const std::size_t length = static_cast<std::size_t>(bytes[3] << 8 | bytes[4]);
    out.emplace_back(bytes[0], length);
    bytes = bytes.subspan(std::min(bytes.size(), 5 + length));
  }
  return out;
}

struct Pair {
  ManualClock clock{kNow};
  FakeTlsReplayGuard guard{clock};
  std::vector<MtproxySecret> server_secrets;
  SeededRng rng{7};
  ClientCodec client;
  ServerCodec server;

  Pair(const MtproxySecret& client_secret, std::vector<MtproxySecret> secrets)
      : server_secrets(std::move(secrets)),
        client({Framing::intermediate, false}, rng, client_secret, 2, clock),
        server(rng, server_secrets, &guard) {}
};

class FakeTlsBothWays : public ::testing::TestWithParam<Chunking> {};

TEST_P(FakeTlsBothWays, PacketsCrossInRecordsInAnyFragmentation) {
  const MtproxySecret secret = ee_secret(0x5a);
  Pair p(secret, {simple_secret(0x11), secret});
  EXPECT_EQ(p.client.spec().framing, Framing::padded_intermediate);

  const Bytes hello = p.client.take_prefix();
  ASSERT_EQ(hello.size(), kClientHelloSize);
  EXPECT_EQ(Bytes(hello.begin(), hello.begin() + 5), (Bytes{0x16, 0x03, 0x01, 0x02, 0x00}));
  EXPECT_NE(std::search(hello.begin(), hello.end(), secret.fake_tls_domain.begin(), secret.fake_tls_domain.end()),
            hello.end())
      << "the domain goes in the SNI";

  const auto sent = packets(p.rng);
  Bytes wire;
  for (const auto& packet : sent) p.client.encode(packet, false, wire);
  const auto client_records = records(wire);
  ASSERT_GE(client_records.size(), 4u);
  EXPECT_EQ(client_records[0], (std::pair<std::uint8_t, std::size_t>{0x14, 1})) << "change_cipher_spec first";
  for (std::size_t i = 1; i < client_records.size(); ++i) {
    EXPECT_EQ(client_records[i].first, 0x17);
    EXPECT_LE(client_records[i].second, kTlsRecordPayload);
  }

  const auto received = test::feed_in_chunks(p.server, test::concat(hello, wire), GetParam(), p.rng);
  EXPECT_EQ(payloads(received), sent);
  EXPECT_EQ(p.server.proxy_secret_index(), 1u);
  EXPECT_EQ(p.server.dc_id(), 2);
  EXPECT_EQ(p.server.framing(), Framing::padded_intermediate);

  Bytes answer;
  p.server.take_handshake_reply(answer);
  ASSERT_GT(answer.size(), 100u);
  EXPECT_EQ(Bytes(answer.begin(), answer.begin() + 3), (Bytes{0x16, 0x03, 0x03}));
  Bytes again;
  p.server.take_handshake_reply(again);
  EXPECT_TRUE(again.empty()) << "the server hello goes out once";
  for (const auto& packet : sent) p.server.encode(packet, answer);
  const auto back = test::feed_in_chunks(p.client, answer, GetParam(), p.rng);
  EXPECT_EQ(payloads(back), sent);
}

INSTANTIATE_TEST_SUITE_P(Chunkings, FakeTlsBothWays,
                         ::testing::Values(Chunking::whole, Chunking::one_byte, Chunking::random),
                         [](const auto& info) { return std::string(test::to_string(info.param)); });

// The refusal `feed` throws, as text ("" when it does not throw).
template <class Codec>
std::string refusal(Codec& codec, std::span<const std::uint8_t> bytes) {
  std::vector<Inbound> events;
  try {
    codec.feed(bytes, events);
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::malformed);
    return e.what();
  }
  return "";
}

TEST(FakeTls, ServerRefusesAHelloSignedWithAnotherSecret) {
  Pair p(ee_secret(0x5a), {ee_secret(0x5b), simple_secret(0x5a)});
  const Bytes hello = p.client.take_prefix();
  EXPECT_NE(refusal(p.server, hello).find("HMAC matches none of the fake-TLS secrets"), std::string::npos);
}

TEST(FakeTls, ServerRefusesAReplayedHello) {
  const MtproxySecret secret = ee_secret(0x33);
  Pair p(secret, {secret});
  const Bytes hello = p.client.take_prefix();
  EXPECT_EQ(refusal(p.server, hello), "");
  ServerCodec second(p.rng, p.server_secrets, &p.guard);
  EXPECT_NE(refusal(second, hello).find("replayed ClientHello"), std::string::npos);
}

TEST(FakeTls, ServerRefusesAHelloFromTooFarInThePastOrFuture) {
  const MtproxySecret secret = ee_secret(0x44);
  for (const std::int64_t shift_s : {3600, -3600}) {
    Pair p(secret, {secret});
    const Bytes hello = p.client.take_prefix();
    p.clock.set(kNow + shift_s * kNsPerSecond);
    const std::string why = refusal(p.server, hello);
    EXPECT_NE(why.find(shift_s > 0 ? "too far in the past" : "too far in the future"), std::string::npos) << why;
  }
  Pair close(secret, {secret});
  const Bytes hello = close.client.take_prefix();
  close.clock.set(kNow + 120 * kNsPerSecond);  // two minutes of clock difference is fine
  EXPECT_EQ(refusal(close.server, hello), "");
}

TEST(FakeTls, ClientRefusesAServerHelloWithoutItsHmac) {
  const MtproxySecret secret = ee_secret(0x21);
  Pair p(secret, {secret});
  const Bytes hello = p.client.take_prefix();
  EXPECT_EQ(refusal(p.server, hello), "");
  Bytes answer;
  p.server.take_handshake_reply(answer);
  answer[answer.size() - 1] ^= 0x01;  // one bit of the fake certificate
  EXPECT_NE(refusal(p.client, answer).find("HMAC does not match"), std::string::npos);
}

TEST(FakeTls, ClientRefusesAnAnswerThatIsNotTls) {
  const MtproxySecret secret = ee_secret(0x21);
  Pair p(secret, {secret});
  const Bytes plain(64, 0x42);
  EXPECT_NE(refusal(p.client, plain).find("not an MTProxy?"), std::string::npos);
}

TEST(FakeTls, TlsIsRefusedWhereNoEeSecretIsConfigured) {
  Pair p(ee_secret(0x21), {simple_secret(0x21)});
  const Bytes hello = p.client.take_prefix();
  EXPECT_NE(refusal(p.server, hello).find("no fake-TLS (ee) MTProxy secret is configured"), std::string::npos);
  ServerCodec direct(p.rng);  // not an MTProxy at all
  EXPECT_NE(refusal(direct, hello).find("no fake-TLS"), std::string::npos);
}

TEST(FakeTls, AnEeSecretIsNotAcceptedWithoutTls) {
  const MtproxySecret secret = ee_secret(0x66);
  Pair p(simple_secret(0x66), {secret});  // same 16 key bytes, but plain obfuscation
  const Bytes init = p.client.take_prefix();
  EXPECT_NE(refusal(p.server, init).find("fake-TLS secrets are tried only inside fake TLS"), std::string::npos);
}

TEST(FakeTls, RecordsWrapInPlaceAtTheRecordSize) {
  for (const std::size_t size : {std::size_t{1}, kTlsRecordPayload, kTlsRecordPayload + 1, 3 * kTlsRecordPayload + 7}) {
    Bytes out{0xaa, 0xbb};
    for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(i * 7));
    wrap_tls_records(out, 2, true);
    const auto parts = records(std::span(out).subspan(2));
    ASSERT_EQ(parts.size(), 1 + (size + kTlsRecordPayload - 1) / kTlsRecordPayload) << size;
    Bytes unwrapped;
    TlsRecordReader reader;
    reader.feed(std::span(out).subspan(2), [&](std::span<const std::uint8_t> p) { unwrapped.insert(unwrapped.end(), p.begin(), p.end()); });
    ASSERT_EQ(unwrapped.size(), size);
    for (std::size_t i = 0; i < size; ++i) ASSERT_EQ(unwrapped[i], static_cast<std::uint8_t>(i * 7)) << i;
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
