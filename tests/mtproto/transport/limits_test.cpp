// Absurd lengths are refused before anything is allocated, and idle codecs hold (almost) no memory.

#include <gtest/gtest.h>

#include <string>

#include "alloc_probe.h"
#include "mtproto/error.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/obfuscation.h"
#include "mtproto/transport/server_codec.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

constexpr std::size_t kSmall = 64 * 1024;

// Obfuscated decoding allocates a 64 KiB scratch once per thread (shared by all the thread's connections); get that
// out of the way before measuring.
// Process-wide state made on first use (a decrypt scratch buffer, the fake-TLS replay guard a ServerCodec
// points to) is set up before a probe measures, so that only per-codec memory is counted.
void warm_decrypt_scratch(crypto::Rng& rng) {
  ClientCodec warm({Framing::abridged, true}, rng);
  std::vector<Inbound> ignored;
  warm.feed(std::vector<std::uint8_t>(16, 0), ignored);
  ServerCodec warm_server(rng);
}

struct Case {
  Framing framing;
  const char* header_hex;  // after the transport's start marker
};

// Announced sizes far beyond 16 MiB: 64 MiB - 4 (abridged's largest), ~2 GiB, ~2 GiB, ~2 GiB (full).
const Case kAbsurd[] = {{Framing::abridged, "7fffffff"},
                        {Framing::intermediate, "fcffff7f"},
                        {Framing::padded_intermediate, "ffffff7f"},
                        {Framing::full, "f0ffff7f00000000"}};

void expect_refused_small(auto& codec, const std::vector<std::uint8_t>& bytes) {
  std::vector<Inbound> events;
  test::reset_largest_allocation();
  try {
    codec.feed(bytes, events);
    ADD_FAILURE() << "not refused";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::malformed);
    EXPECT_NE(std::string(e.what()).find("more than the limit of 167772"), std::string::npos) << e.what();
  }
  EXPECT_LT(test::largest_allocation(), kSmall);
}

TEST(Limits, ServerRefusesAbsurdLengthsBeforeAllocating) {
  for (const auto& c : kAbsurd) {
    SCOPED_TRACE(to_string(c.framing));
    test::SeededRng rng(1);
    ClientCodec client({c.framing, false}, rng);
    ServerCodec server(rng);
    expect_refused_small(server, test::concat(client.take_prefix(), test::from_hex(c.header_hex)));
  }
}

TEST(Limits, ClientRefusesAbsurdLengthsBeforeAllocating) {
  for (const auto& c : kAbsurd) {
    SCOPED_TRACE(to_string(c.framing));
    test::SeededRng rng(2);
    ClientCodec client({c.framing, false}, rng);
    expect_refused_small(client, test::from_hex(c.header_hex));
  }
}

TEST(Limits, ObfuscatedServerRefusesAbsurdLengthsBeforeAllocating) {
  // Obfuscated intermediate announcing ~2 GiB, encrypted by hand with the client's key schedule.
  test::SeededRng rng(3);
  warm_decrypt_scratch(rng);
  ObfuscationInit init = generate_obfuscation_init(rng, 0xeeeeeeeeU, 0);
  crypto::AesCtr encrypt = make_ctr(client_obfuscation_keys(init).encrypt);
  ObfuscationInit encrypted = init;
  encrypt.apply(encrypted);
  std::vector<std::uint8_t> wire(init.begin(), init.begin() + 56);
  wire.insert(wire.end(), encrypted.begin() + 56, encrypted.end());
  std::vector<std::uint8_t> header = test::from_hex("fcffff7f");
  encrypt.apply(header);
  wire.insert(wire.end(), header.begin(), header.end());
  ServerCodec server(rng);
  expect_refused_small(server, wire);
  EXPECT_TRUE(server.obfuscated());
}

TEST(Limits, SixteenMebibytesIsTheLargestAccepted) {
  test::SeededRng rng(4);
  {
    ServerCodec server(rng);
    expect_refused_small(server, test::from_hex("eeeeeeee04000001"));  // 16 MiB + 4
  }
  ServerCodec server(rng);
  std::vector<Inbound> events;
  server.feed(test::from_hex("eeeeeeee00000001"), events);  // exactly 16 MiB: waits for the body
  EXPECT_TRUE(events.empty());
}

TEST(Memory, CodecsAreSmall) {
  EXPECT_LE(sizeof(ClientCodec), 256u);
  EXPECT_LE(sizeof(ServerCodec), 320u);
}

// After traffic that included a 300 KB packet, once the events are gone, a codec keeps no heap buffer of its own.
// (An obfuscated codec also holds two OpenSSL AES-CTR contexts, about 650 bytes each; OpenSSL allocates them with
// malloc, out of this probe's sight.)
TEST(Memory, IdleCodecsHoldNoBuffers) {
  for (const bool obfuscated : {false, true}) {
    SCOPED_TRACE(obfuscated ? "obfuscated" : "plain");
    test::SeededRng rng(5);
    const auto big = test::encrypted_packet(rng, 307208);
    const auto small = test::plain_packet(rng, 100);
    warm_decrypt_scratch(rng);
    const std::size_t before = test::live_heap_bytes();
    ClientCodec client({Framing::intermediate, obfuscated}, rng);
    ServerCodec server(rng);
    {  // the first exchange sets both ends up
      std::vector<std::uint8_t> up = client.take_prefix();
      client.encode(small, false, up);
      test::feed_in_chunks(server, up, test::Chunking::whole, rng);
    }
    const std::size_t set_up = test::live_heap_bytes() - before;
    {
      std::vector<std::uint8_t> up;
      client.encode(big, false, up);
      client.encode(small, false, up);
      EXPECT_EQ(test::feed_in_chunks(server, up, test::Chunking::random, rng).size(), 2u);
      std::vector<std::uint8_t> down;
      server.encode(big, down);
      server.encode(small, down);
      EXPECT_EQ(test::feed_in_chunks(client, down, test::Chunking::random, rng).size(), 2u);
      // Leave the client mid-header: the bytes wait in place, not on the heap.
      std::vector<std::uint8_t> more;
      server.encode(small, more);
      std::vector<Inbound> events;
      client.feed(std::span(more).first(2), events);
    }
    EXPECT_EQ(set_up, 0u);
    EXPECT_EQ(test::live_heap_bytes() - before, 0u);
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
