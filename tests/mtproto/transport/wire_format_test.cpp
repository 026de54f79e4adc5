// Exact bytes on the wire for each framing, and how a client reads the short and bare forms servers send.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "mtproto/error.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes words(std::size_t n, std::uint8_t fill = 0x11) { return Bytes(4 * n, fill); }

// A server that saw `prefix` from a plain client.
ServerCodec server_after(const Bytes& prefix, crypto::Rng& rng) {
  ServerCodec server(rng);
  std::vector<Inbound> events;
  server.feed(prefix, events);
  return server;
}

TEST(WireFormat, ClientPrefixes) {
  test::SeededRng rng(1);
  EXPECT_EQ(ClientCodec({Framing::abridged, false}, rng).take_prefix(), Bytes{0xef});
  EXPECT_EQ(ClientCodec({Framing::intermediate, false}, rng).take_prefix(), Bytes(4, 0xee));
  EXPECT_EQ(ClientCodec({Framing::padded_intermediate, false}, rng).take_prefix(), Bytes(4, 0xdd));
  EXPECT_EQ(ClientCodec({Framing::full, false}, rng).take_prefix(), Bytes{});
  ClientCodec codec({Framing::abridged, true}, rng);
  EXPECT_EQ(codec.take_prefix().size(), 64u);
  EXPECT_EQ(codec.take_prefix(), Bytes{});  // only once
}

TEST(WireFormat, EncodeWritesThePrefixWhenNotTaken) {
  test::SeededRng rng(2);
  ClientCodec codec({Framing::intermediate, false}, rng);
  Bytes out;
  codec.encode(words(1), false, out);
  EXPECT_EQ(out, (Bytes{0xee, 0xee, 0xee, 0xee, 4, 0, 0, 0, 0x11, 0x11, 0x11, 0x11}));
  out.clear();
  codec.encode(words(1), false, out);
  EXPECT_EQ(out.size(), 8u);
}

// The first `n` bytes of the frame `codec` writes for a payload of `count` words.
Bytes frame_start(ClientCodec& codec, std::size_t count, bool quick_ack, std::size_t n = 4) {
  Bytes out;
  codec.encode(words(count), quick_ack, out);
  return Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(std::min(n, out.size())));
}

TEST(WireFormat, AbridgedShortAndLongFormsAroundWord127) {
  test::SeededRng rng(3);
  ClientCodec codec({Framing::abridged, false}, rng);
  codec.take_prefix();
  EXPECT_EQ(frame_start(codec, 126, false, 1), Bytes{126});
  EXPECT_EQ(frame_start(codec, 126, false, 1000).size(), 1 + 504u);
  EXPECT_EQ(frame_start(codec, 127, false), (Bytes{0x7f, 127, 0, 0}));
  EXPECT_EQ(frame_start(codec, 0x12345, true), (Bytes{0xff, 0x45, 0x23, 0x01}));  // long form + quick-ack bit
  EXPECT_EQ(frame_start(codec, 2, true, 1), Bytes{0x82});
}

TEST(WireFormat, IntermediateAndFullHeaders) {
  test::SeededRng rng(4);
  ClientCodec intermediate({Framing::intermediate, false}, rng);
  intermediate.take_prefix();
  EXPECT_EQ(frame_start(intermediate, 2, true), (Bytes{8, 0, 0, 0x80}));

  ClientCodec full({Framing::full, false}, rng);
  Bytes out;
  EXPECT_FALSE(full.encode(Bytes{1, 2, 3, 4}, true, out));  // no quick ack on full
  out.clear();
  full.encode(Bytes{1, 2, 3, 4}, false, out);
  // len 16, seq 1, payload, CRC32 LE of the first 12 bytes (Python: zlib.crc32(bytes.fromhex("100000000100000001020304"))).
  EXPECT_EQ(out, test::from_hex("100000000100000001020304dc0f1f2c"));
}

TEST(WireFormat, PaddedAddsZeroToFifteenBytes) {
  test::SeededRng rng(5);
  ClientCodec codec({Framing::padded_intermediate, false}, rng);
  codec.take_prefix();
  std::array<int, 16> seen{};
  for (int i = 0; i < 2000; ++i) {
    Bytes out;
    codec.encode(words(3), false, out);
    const std::size_t padding = out.size() - 4 - 12;
    ASSERT_LE(padding, 15u);
    ASSERT_EQ(out[0], 12 + padding);
    ++seen[padding];
  }
  for (std::size_t p = 0; p < seen.size(); ++p) EXPECT_GT(seen[p], 0) << "padding " << p << " never drawn";
}

TEST(WireFormat, ServerQuickAckReplies) {
  test::SeededRng rng(6);
  const std::uint32_t token = 0x83020100U;
  Bytes out;
  auto abridged = server_after({0xef}, rng);
  abridged.encode_quick_ack(token, out);
  EXPECT_EQ(out, (Bytes{0x83, 0x02, 0x01, 0x00}));  // byte-swapped

  out.clear();
  auto intermediate = server_after(Bytes(4, 0xee), rng);
  intermediate.encode_quick_ack(token, out);
  EXPECT_EQ(out, (Bytes{0x00, 0x01, 0x02, 0x83}));

  auto padded = server_after(Bytes(4, 0xdd), rng);
  for (int i = 0; i < 50; ++i) {
    out.clear();
    padded.encode_quick_ack(token, out);
    ASSERT_GE(out.size(), 4u + 8u);
    ASSERT_LE(out.size(), 4u + 16u);
    EXPECT_EQ(out[0], out.size() - 4);
    EXPECT_EQ(Bytes(out.begin() + 4, out.begin() + 12), (Bytes{0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, 0x83}));
  }
}

// Feeds server bytes to a plain client of `framing` and returns the events.
std::vector<Inbound> client_reads(Framing framing, const Bytes& bytes) {
  test::SeededRng rng(7);
  ClientCodec client({framing, false}, rng);
  std::vector<Inbound> events;
  client.feed(bytes, events);
  return events;
}

TEST(ClientReads, FramedTransportErrorsInEveryFraming) {
  // -404 = 6c fe ff ff
  auto events = client_reads(Framing::abridged, test::from_hex("016cfeffff"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Inbound::Kind::transport_error);
  EXPECT_EQ(events[0].error_code, -404);
  events = client_reads(Framing::intermediate, test::from_hex("040000006cfeffff"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error_code, -404);
  events = client_reads(Framing::padded_intermediate, test::from_hex("070000006cfeffff0a0b0c"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error_code, -404);
}

TEST(ClientReads, BareNegativeWordsOnFullAsRealDcsSendThem) {
  // Telethon #4042: -429 three times, unframed.
  const auto events = client_reads(Framing::full, test::from_hex("53feffff53feffff53feffff"));
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) {
    EXPECT_EQ(e.kind, Inbound::Kind::transport_error);
    EXPECT_EQ(e.error_code, -429);
  }
}

TEST(ClientReads, BareQuickAckOnPaddedAsMtproxySendsIt) {
  const auto events = client_reads(Framing::padded_intermediate, test::from_hex("00010283"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Inbound::Kind::quick_ack);
  EXPECT_EQ(events[0].quick_ack_token, 0x83020100U);
}

TEST(ClientReads, ShortFramesNopAndMinusOneQuickAck) {
  // A 4-byte zero frame is a no-op; a framed -1 + token is a quick ack (tdlib reads them this way in any framing).
  auto events = client_reads(Framing::intermediate, test::from_hex("04000000000000000800000000000000"));
  EXPECT_TRUE(events.empty());
  events = client_reads(Framing::intermediate, test::from_hex("08000000ffffffff00010283"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Inbound::Kind::quick_ack);
  EXPECT_EQ(events[0].quick_ack_token, 0x83020100U);
}

TEST(ClientReads, RefusesAShortFrameWithAPositiveWord) {
  test::SeededRng rng(8);
  ClientCodec client({Framing::intermediate, false}, rng);
  std::vector<Inbound> events;
  try {
    client.feed(test::from_hex("0400000005000000"), events);
    ADD_FAILURE() << "not refused";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("negative transport error code"), std::string::npos) << e.what();
  }
  EXPECT_THROW(client.feed(test::from_hex("04000000"), events), ProtocolError);  // refused for good
}

TEST(ClientReads, RefusesEmptyAndMisalignedFrames) {
  for (const auto& [framing, hex] : std::initializer_list<std::pair<Framing, const char*>>{
           {Framing::abridged, "00"},
           {Framing::abridged, "7f000000"},
           {Framing::intermediate, "00000000"},
           {Framing::intermediate, "05000000"},
           {Framing::padded_intermediate, "00000000"},
           {Framing::full, "0800000000000000"},
           {Framing::full, "0d00000000000000"}}) {
    EXPECT_THROW(client_reads(framing, test::from_hex(hex)), ProtocolError) << to_string(framing) << " " << hex;
  }
}

TEST(ServerReads, TinyPayloadsOfPlainFramingsPassThrough) {
  // The server hands up every frame; judging a 4-byte payload is the MTProto layer's business.
  for (const auto framing : {Framing::abridged, Framing::intermediate, Framing::full}) {
    test::SeededRng rng(9);
    ClientCodec client({framing, false}, rng);
    ServerCodec server(rng);
    auto wire = client.take_prefix();
    client.encode(Bytes{1, 2, 3, 4}, false, wire);
    std::vector<Inbound> events;
    server.feed(wire, events);
    ASSERT_EQ(events.size(), 1u) << to_string(framing);
    EXPECT_EQ(events[0].payload, (Bytes{1, 2, 3, 4}));
  }
}

TEST(Codecs, RefuseCallerMistakes) {
  test::SeededRng rng(10);
  ClientCodec client({Framing::intermediate, false}, rng);
  Bytes out;
  EXPECT_THROW(client.encode(Bytes{}, false, out), std::invalid_argument);
  EXPECT_THROW(client.encode(Bytes{1, 2, 3}, false, out), std::invalid_argument);
  EXPECT_TRUE(out.empty());  // not even the prefix went out
  EXPECT_EQ(client.take_prefix().size(), 4u);

  ServerCodec server(rng);
  EXPECT_THROW(server.encode(Bytes(4), out), std::logic_error);
  EXPECT_THROW(server.encode_quick_ack(0x80000000U, out), std::logic_error);
  EXPECT_THROW(server.encode_transport_error(-404, out), std::logic_error);
  auto detected = server_after(Bytes(4, 0xee), rng);
  EXPECT_THROW(detected.encode_quick_ack(0x12345678U, out), std::invalid_argument);  // bit 31 missing
  EXPECT_THROW(detected.encode_transport_error(404, out), std::invalid_argument);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
