// Padded intermediate: the receiver strips 0-15 padding bytes by the MTProto layout of the packet.

#include <gtest/gtest.h>

#include <string>

#include "mtproto/error.h"
#include "mtproto/byte_order.h"
#include "mtproto/transport/padding.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes padded(const Bytes& payload, std::size_t padding, test::SeededRng& rng) {
  return test::concat(payload, rng.bytes(padding));
}

TEST(PaddedPayloadSize, EncryptedTakesTheLargest24Plus16k) {
  test::SeededRng rng(1);
  for (const std::size_t size : {24u, 40u, 72u, 1048u}) {
    const auto packet = test::encrypted_packet(rng, size);
    for (std::size_t pad = 0; pad <= 15; ++pad) {
      EXPECT_EQ(padded_payload_size(padded(packet, pad, rng), 0), size) << size << " + " << pad;
    }
  }
}

TEST(PaddedPayloadSize, PlainTakes20PlusMessageDataLength) {
  test::SeededRng rng(2);
  for (const std::size_t body : {0u, 4u, 20u, 100u, 333u}) {
    const auto packet = test::plain_packet(rng, body);
    for (std::size_t pad = 0; pad <= 15; ++pad) {
      EXPECT_EQ(padded_payload_size(padded(packet, pad, rng), 0), 20 + body) << body << " + " << pad;
    }
  }
}

void expect_refused(const Bytes& body, const std::string& needle) {
  try {
    padded_payload_size(body, 7);
    ADD_FAILURE() << "not refused";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("packet 7"), std::string::npos) << e.what();
  }
}

TEST(PaddedPayloadSize, RefusesWhatIsNeitherForm) {
  test::SeededRng rng(3);
  auto plain = test::plain_packet(rng, 40);
  store_le<std::uint32_t>(plain.data() + 16, 44);  // longer than what follows
  expect_refused(plain, "too few");
  store_le<std::uint32_t>(plain.data() + 16, 24);  // leaves 16 bytes of "padding"
  expect_refused(plain, "more than 15");
  expect_refused(Bytes(12, 0), "shorter than the 20-byte header");
  expect_refused(test::concat(Bytes{1}, Bytes(22, 0)), "24-byte encrypted message header");
}

// Frames built by hand (as mtcute's PaddedIntermediatePacketCodec sends them), 15 bytes of padding included.
TEST(PaddedServer, StripsPaddingFromBothKindsOfPacket) {
  test::SeededRng rng(4);
  const Bytes sent[] = {test::encrypted_packet(rng, 88), test::plain_packet(rng, 52), test::encrypted_packet(rng, 24),
                        test::plain_packet(rng, 0)};
  Bytes wire(4, 0xdd);
  std::size_t pad = 15;
  for (const auto& payload : sent) {
    const auto body = padded(payload, pad, rng);
    append_le<std::uint32_t>(wire, static_cast<std::uint32_t>(body.size()) | (pad % 2 == 1 ? 0x80000000U : 0));
    wire.insert(wire.end(), body.begin(), body.end());
    pad -= 5;
  }
  ServerCodec server(rng);
  const auto events = test::feed_in_chunks(server, wire, test::Chunking::one_byte, rng);
  ASSERT_EQ(events.size(), std::size(sent));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].payload, sent[i]) << "packet " << i;
    EXPECT_EQ(events[i].quick_ack_requested, (15 - 5 * i) % 2 == 1) << "packet " << i;
  }
}

TEST(PaddedServer, RefusesAFrameTooShortForAnyPacket) {
  test::SeededRng rng(5);
  ServerCodec server(rng);
  std::vector<Inbound> events;
  EXPECT_THROW(server.feed(test::from_hex("dddddddd0c000000" "0102030405060708090a0b0c"), events), ProtocolError);
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
