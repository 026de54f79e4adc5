// libFuzzer target for every place the mtproto layer reads bytes a peer controls: both transport codecs
// (including detection and obfuscation), container/gzip unpacking, and both handshakes. The first input byte
// picks the target; refusals (ProtocolError, DecodeError) are expected, crashes and sanitizer reports are not.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/clock.h"
#include "mtproto/error.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/session/message_unpack.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/server_codec.h"
#include "tl/errors.h"

using namespace mtpipe;

namespace {

// A fixed stream of "random" bytes: fuzzing must be reproducible.
class CountingRng final : public crypto::Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(state_ = state_ * 1103515245 + 12345);
  }

 private:
  std::uint32_t state_ = 1;
};

const crypto::RsaPrivateKey& server_key() {
  static const crypto::RsaPrivateKey key = crypto::RsaPrivateKey::generate(2048);
  return key;
}

// Feeds `data` in pieces whose sizes come from the data itself, so fragmentation is fuzzed too.
template <class Codec>
void feed_in_pieces(Codec& codec, std::span<const std::uint8_t> data) {
  std::vector<mtproto::transport::Inbound> events;
  std::size_t i = 0;
  while (i < data.size()) {
    const std::size_t n = std::min<std::size_t>(data.size() - i, 1 + data[i] % 97);
    codec.feed(data.subspan(i, n), events);
    i += n;
    events.clear();
  }
}

void run(std::uint8_t which, std::span<const std::uint8_t> data) {
  CountingRng rng;
  const mtproto::ManualClock clock(1'700'000'000LL * mtproto::kNsPerSecond);
  using mtproto::transport::Framing;
  switch (which % 6) {
    case 0: {
      mtproto::transport::ServerCodec codec(rng);
      feed_in_pieces(codec, data);
      break;
    }
    case 1: {
      const Framing framings[] = {Framing::abridged, Framing::intermediate, Framing::padded_intermediate, Framing::full};
      const Framing f = framings[(which / 6) % 4];
      mtproto::transport::ClientCodec codec({f, f != Framing::full && (which & 0x80)}, rng);
      (void)codec.take_prefix();
      feed_in_pieces(codec, data);
      break;
    }
    case 2: {
      mtproto::session::Unpacked unpacked;
      mtproto::session::unpack(0x7fffffffffff0000, 1, data, unpacked);
      break;
    }
    case 3: {
      auto config = std::make_shared<mtproto::handshake::ServerConfig>(std::vector{server_key()}, 2, false);
      mtproto::handshake::ServerHandshake hs(config, rng, clock);
      // The input is a sequence of packets, each prefixed by a one-byte length in 4-byte units.
      std::size_t i = 0;
      while (i < data.size()) {
        const std::size_t n = std::min<std::size_t>(data.size() - i - 1, 4u * data[i]);
        (void)hs.on_packet(data.subspan(i + 1, n));
        i += 1 + n;
      }
      break;
    }
    case 4: {
      mtproto::handshake::ClientOptions options;
      options.server_keys.push_back(server_key().public_key());
      options.dc = 2;
      mtproto::handshake::ClientHandshake hs(options, rng, clock);
      (void)hs.start();
      (void)hs.on_packet(data);
      break;
    }
    default: {
      std::vector<std::uint8_t> inflated;
      mtproto::session::inflate_gzip_packed(data, inflated);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  try {
    run(data[0], {data + 1, size - 1});
  } catch (const mtproto::ProtocolError&) {
  } catch (const tl::DecodeError&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
