#include "crypto/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

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

Rng& system_rng() noexcept {
  static OpenSslRng rng;
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
