#pragma once
// The DH half the server sends in server_DH_inner_data: Telegram's published prime with g = 3 (all three
// reference clients accept it, peers.md §3.3) and a fresh secret a, or, under a fault, deliberately bad values.

#include <array>
#include <cstdint>

#include "crypto/dh.h"
#include "crypto/random.h"
#include "mtproto/handshake/faults.h"

namespace mtpipe::mtproto::handshake::detail {

struct ServerDh {
  std::array<std::uint8_t, crypto::kDhBytes> dh_prime{};
  int g = 0;
  std::array<std::uint8_t, crypto::kDhBytes> a{};  // secret: the caller wipes it
  std::array<std::uint8_t, crypto::kDhBytes> g_a{};
};

// Honest values pass every check the client makes. Under Fault::bad_dh_prime the prime is replaced by a
// 2048-bit multiple of 5 that still satisfies g = 3's p mod 3 = 2 (so only the primality test can catch it);
// Fault::bad_g sends g = 9; Fault::g_a_out_of_range sends g_a = p - 1.
ServerDh make_server_dh(Faults faults, crypto::Rng& rng);

}  // namespace mtpipe::mtproto::handshake::detail
