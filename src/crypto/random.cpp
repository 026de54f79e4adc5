#include "crypto/random.h"

#include <openssl/rand.h>

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstring>
#include <string>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/openssl_util.h"

namespace mtpipe::crypto {

void random_bytes(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int length; split huge requests rather than truncate them.
  while (!out.empty()) {
    const std::size_t chunk = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) detail::throw_openssl("RAND_bytes failed");
    out = out.subspan(chunk);
  }
}

std::uint64_t random_u64() {
  std::uint8_t buf[8];
  random_bytes(buf);
  std::uint64_t v = 0;
  std::memcpy(&v, buf, sizeof v);
  return v;
}

namespace {

// A fork makes parent and child share the same buffered bytes; the child handler invalidates every buffer.
std::atomic<std::uint64_t> g_fork_generation{0};
void on_fork_child() noexcept { g_fork_generation.fetch_add(1); }

// OpenSSL's bytes, drawn 4 KiB at a time into a per-thread buffer. Each RAND_bytes call costs two getpid
// syscalls (OpenSSL's fork check) and a lock; a message's padding needs 12-27 bytes, so drawing them one call
// at a time cost more than the AES of the message. The bytes are the same CSPRNG output, only batched.
class BufferedRng final : public Rng {
 public:
  BufferedRng() { pthread_atfork(nullptr, nullptr, on_fork_child); }
  void fill(std::span<std::uint8_t> out) override {
    thread_local Buffer buffer;
    buffer.fill(out);
  }

 private:
  struct Buffer {
    std::array<std::uint8_t, 4096> bytes{};
    std::size_t used = 4096;
    std::uint64_t generation = 0;
    ~Buffer() { secure_wipe(bytes); }
    void fill(std::span<std::uint8_t> out) {
      if (out.size() > bytes.size() / 4) return random_bytes(out);  // large requests gain nothing from the buffer
      const auto now = g_fork_generation.load(std::memory_order_relaxed);
      if (generation != now || bytes.size() - used < out.size()) {
        random_bytes(bytes);
        used = 0;
        generation = now;
      }
      std::memcpy(out.data(), bytes.data() + used, out.size());
      secure_wipe({bytes.data() + used, out.size()});  // handed-out bytes never stay behind
      used += out.size();
    }
  };
};

}  // namespace

Rng& system_rng() noexcept {
  static BufferedRng rng;
  return rng;
}

void ReplayRng::fill(std::span<std::uint8_t> out) {
  if (out.size() > remaining()) {
    throw Error("ReplayRng: " + std::to_string(out.size()) + " bytes requested but only " +
                std::to_string(remaining()) + " left in the script");
  }
  std::copy_n(script_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
  pos_ += out.size();
}

}  // namespace mtpipe::crypto
