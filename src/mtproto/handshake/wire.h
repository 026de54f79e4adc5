#pragma once
// Small pieces both handshake sides share: TL (de)serialisation of whole handshake objects, the big-endian
// integers pq/p/q travel as, nonce comparison and the derivations of the completed handshake.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tl/object.h"
#include "tl/types.h"

namespace mtpipe::mtproto::handshake::detail {


// Reads exactly one boxed object (constructor or method) filling `body`; anything left over, an unknown id or a
// truncated object is a ProtocolError(malformed) naming `what`.
tl::object_ptr<tl::Object> read_one_object(std::span<const std::uint8_t> body, std::string_view what);
tl::object_ptr<tl::Function> read_one_function(std::span<const std::uint8_t> body, std::string_view what);

inline std::string as_string(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// pq, p and q are sent as big-endian byte strings. Minimal form, no leading zero bytes (what every client
// sends for p and q).
std::string be_bytes(std::uint64_t v);
// Nothing when the string is empty or longer than 8 bytes (then it cannot be a handshake pq/p/q).
std::optional<std::uint64_t> be_value(std::string_view s) noexcept;

// Throws ProtocolError(bad_nonce) unless both nonces are the ones of this handshake. `where` names the message.
void expect_nonces(const tl::Int128& nonce, const tl::Int128& server_nonce, const tl::Int128& our_nonce,
                   const tl::Int128& our_server_nonce, std::string_view where);

// The 128-bit hashes are compared without early exit: they are the proof that the peer knows new_nonce.
bool same_hash(const tl::Int128& a, const std::array<std::uint8_t, 16>& b) noexcept;

// server_DH_params_fail's new_nonce_hash: the lower 128 bits of SHA1(new_nonce).
tl::Int128 params_fail_hash(const tl::Int256& new_nonce);

// The first server salt: new_nonce[0:8] XOR server_nonce[0:8], read as a little-endian long.
std::int64_t initial_salt(const tl::Int256& new_nonce, const tl::Int128& server_nonce) noexcept;

// retry_id after dh_gen_retry: auth_key_aux_hash (the first 8 bytes of SHA1(auth_key)) as the long whose wire
// bytes they are.
std::int64_t retry_id_of(std::span<const std::uint8_t> auth_key);

// Flips one bit: how the fault hooks corrupt a value they must send wrong.
template <std::size_t N>
std::array<std::uint8_t, N> corrupted(std::array<std::uint8_t, N> v) noexcept {
  v[0] ^= 0x01;
  return v;
}

}  // namespace mtpipe::mtproto::handshake::detail
