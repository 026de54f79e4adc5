#pragma once
// Helpers shared by the transport tests: a seeded random source, MTProto-shaped payloads, and feeding a codec in
// different fragmentations.

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/random.h"
#include "mtproto/transport/inbound.h"

namespace mtpipe::mtproto::transport::test {

// Deterministic randomness for codecs and test data alike.
class SeededRng final : public crypto::Rng {
 public:
  explicit SeededRng(std::uint64_t seed) : engine_(seed) {}
  void fill(std::span<std::uint8_t> out) override;
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine_() % n); }
  std::vector<std::uint8_t> bytes(std::size_t n);

 private:
  std::mt19937_64 engine_;
};

std::vector<std::uint8_t> from_hex(std::string_view hex);
std::vector<std::uint8_t> concat(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// An encrypted-looking MTProto packet of `size` = 24 + 16k bytes (random, with a non-zero auth_key_id).
std::vector<std::uint8_t> encrypted_packet(SeededRng& rng, std::size_t size);
// An unencrypted MTProto message: auth_key_id 0, msg_id, message_data_length, then `body_size` random bytes.
std::vector<std::uint8_t> plain_packet(SeededRng& rng, std::size_t body_size);

enum class Chunking { whole, one_byte, random };
const char* to_string(Chunking chunking);

// Feeds `bytes` to `codec` whole, a byte at a time, or in random pieces of 1 to 5000 bytes; returns the events.
template <class Codec>
std::vector<Inbound> feed_in_chunks(Codec& codec, std::span<const std::uint8_t> bytes, Chunking chunking,
                                    SeededRng& rng) {
  std::vector<Inbound> events;
  while (!bytes.empty()) {
    std::size_t n = bytes.size();
    if (chunking == Chunking::one_byte) n = 1;
    if (chunking == Chunking::random) n = std::min(bytes.size(), 1 + rng.below(rng.below(8) == 0 ? 5000 : 64));
    codec.feed(bytes.first(n), events);
    bytes = bytes.subspan(n);
  }
  return events;
}

}  // namespace mtpipe::mtproto::transport::test
