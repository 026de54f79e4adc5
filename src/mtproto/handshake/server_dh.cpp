#include "mtproto/handshake/server_dh.h"

#include "crypto/bytes.h"

namespace mtpipe::mtproto::handshake::detail {

namespace {

unsigned mod_small(const std::array<std::uint8_t, crypto::kDhBytes>& n, unsigned m) {
  unsigned r = 0;
  for (const std::uint8_t b : n) r = (r * 256 + b) % m;
  return r;
}

// p + k with k the smallest positive multiple of 6 making it divisible by 5: odd, still 2 mod 3, composite.
std::array<std::uint8_t, crypto::kDhBytes> composite_lookalike(std::array<std::uint8_t, crypto::kDhBytes> p) {
  unsigned k = 6;
  while ((mod_small(p, 5) + k) % 5 != 0) k += 6;
  for (std::size_t i = p.size(); i-- > 0 && k != 0;) {
    const unsigned sum = p[i] + k;
    p[i] = static_cast<std::uint8_t>(sum & 0xff);
    k = sum >> 8;
  }
  return p;
}

}  // namespace

ServerDh make_server_dh(Faults faults, crypto::Rng& rng) {
  ServerDh dh;
  dh.dh_prime = crypto::kTelegramDhPrime;
  dh.g = crypto::kTelegramDhG;
  if (faults.has(Fault::bad_dh_prime)) dh.dh_prime = composite_lookalike(dh.dh_prime);
  if (faults.has(Fault::bad_g)) dh.g = 9;

  if (faults.has(Fault::bad_dh_prime) || faults.has(Fault::bad_g)) {
    // make_dh_key would refuse these parameters; compute g^a without its checks.
    rng.fill(dh.a);
    dh.g_a = crypto::dh_power(dh.g, dh.a, dh.dh_prime);
  } else {
    auto key = crypto::make_dh_key(dh.g, dh.dh_prime, rng);
    dh.a = key.a;
    dh.g_a = key.g_a;
    crypto::secure_wipe(key.a);
  }
  if (faults.has(Fault::g_a_out_of_range)) {
    dh.g_a = dh.dh_prime;
    dh.g_a.back() -= 1;  // p is odd, so this is p - 1 without a borrow
  }
  return dh;
}

}  // namespace mtpipe::mtproto::handshake::detail
