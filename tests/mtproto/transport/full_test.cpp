// Full transport: sequence numbers and CRC32 are checked in both directions.

#include <gtest/gtest.h>

#include <string>

#include "mtproto/error.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using Bytes = std::vector<std::uint8_t>;

void expect_refused(auto& codec, const Bytes& bytes, const std::string& needle, std::size_t events_before = 0) {
  std::vector<Inbound> events;
  try {
    codec.feed(bytes, events);
    ADD_FAILURE() << "not refused";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::malformed);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_EQ(events.size(), events_before);
}

// Three client packets on full transport.
Bytes client_stream(test::SeededRng& rng) {
  ClientCodec client({Framing::full, false}, rng);
  Bytes wire;
  for (int i = 0; i < 3; ++i) client.encode(test::encrypted_packet(rng, 56), false, wire);
  return wire;
}

constexpr std::size_t kFrame = 12 + 56;

TEST(FullTransport, ServerRefusesABadCrc) {
  test::SeededRng rng(1);
  auto wire = client_stream(rng);
  wire[2 * kFrame - 1] ^= 0x01;  // the CRC of the second packet
  ServerCodec server(rng);
  expect_refused(server, wire, "full transport: CRC32 mismatch in packet seq 1", 1);
  wire = client_stream(rng);
  wire[kFrame + 20] ^= 0x80;  // a payload byte of the second packet
  ServerCodec again(rng);
  expect_refused(again, wire, "CRC32 mismatch in packet seq 1", 1);
}

TEST(FullTransport, ServerRefusesABadSeq) {
  test::SeededRng rng(2);
  auto wire = client_stream(rng);
  // Drop the second packet. (A stream starting at seq 1 would not even be taken for full transport: its bytes 4..7
  // are not zero.)
  const Bytes skipped = test::concat(Bytes(wire.begin(), wire.begin() + kFrame), Bytes(wire.begin() + 2 * kFrame, wire.end()));
  ServerCodec server(rng);
  expect_refused(server, skipped, "expected packet seq 1, got 2", 1);
  // Replay the first packet: seq 0 again where 1 was due.
  const Bytes replayed = test::concat(Bytes(wire.begin(), wire.begin() + kFrame), Bytes(wire.begin(), wire.begin() + kFrame));
  ServerCodec again(rng);
  expect_refused(again, replayed, "expected packet seq 1, got 0", 1);
}

TEST(FullTransport, ServerRefusesAQuickAckFlagAndShortLengths) {
  test::SeededRng rng(3);
  auto wire = client_stream(rng);
  wire[3] |= 0x80;
  ServerCodec server(rng);
  expect_refused(server, wire, "bit 31");
  ServerCodec short_length(rng);
  expect_refused(short_length, test::from_hex("0800000000000000"), "at least 12");
}

TEST(FullTransport, ClientChecksTheServersSeqAndCrc) {
  test::SeededRng rng(4);
  ClientCodec client({Framing::full, false}, rng);
  ServerCodec server(rng);
  std::vector<Inbound> events;
  auto up = client.take_prefix();
  client.encode(test::encrypted_packet(rng, 40), false, up);
  server.feed(up, events);
  Bytes down;
  for (int i = 0; i < 3; ++i) server.encode(test::encrypted_packet(rng, 40), down);
  down[20] ^= 0x04;  // inside the first payload
  expect_refused(client, down, "CRC32 mismatch in packet seq 0");
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
