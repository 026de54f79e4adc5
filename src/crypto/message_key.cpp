#include "crypto/message_key.h"

#include <algorithm>

#include "crypto/error.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

namespace {

std::size_t offset(MsgDirection x) {
  switch (x) {
    case MsgDirection::kClientToServer: return 0;
    case MsgDirection::kServerToClient: return 8;
  }
  throw Error("invalid message direction");
}

void check_inputs(std::span<const std::uint8_t> auth_key, std::span<const std::uint8_t> msg_key) {
  if (auth_key.size() != 256) throw Error("auth_key must be 256 bytes");
  if (msg_key.size() != 16) throw Error("msg_key must be 16 bytes");
}

// Appends h[from..to) at `out`, returning the new end: the KDFs are all concatenations of digest slices.
template <class Digest>
std::uint8_t* put(std::uint8_t* out, const Digest& h, std::size_t from, std::size_t to) {
  return std::copy(h.begin() + static_cast<std::ptrdiff_t>(from), h.begin() + static_cast<std::ptrdiff_t>(to), out);
}

}  // namespace

std::array<std::uint8_t, 32> msg_key_large(std::span<const std::uint8_t> auth_key, MsgDirection x,
                                           std::span<const std::uint8_t> plaintext_with_padding) {
  if (auth_key.size() != 256) throw Error("auth_key must be 256 bytes");
  return sha256(auth_key.subspan(88 + offset(x), 32), plaintext_with_padding);
}

std::array<std::uint8_t, 16> msg_key(std::span<const std::uint8_t> auth_key, MsgDirection x,
                                     std::span<const std::uint8_t> plaintext_with_padding) {
  const auto large = msg_key_large(auth_key, x, plaintext_with_padding);
  std::array<std::uint8_t, 16> out{};
  std::copy_n(large.begin() + 8, 16, out.begin());
  return out;
}

AesKeyIv kdf_v2(std::span<const std::uint8_t> auth_key, std::span<const std::uint8_t> msg_key, MsgDirection x) {
  check_inputs(auth_key, msg_key);
  const std::size_t o = offset(x);
  const auto a = sha256(msg_key, auth_key.subspan(o, 36));
  const auto b = sha256(auth_key.subspan(40 + o, 36), msg_key);
  AesKeyIv out{};
  put(put(put(out.key.data(), a, 0, 8), b, 8, 24), a, 24, 32);
  put(put(put(out.iv.data(), b, 0, 8), a, 8, 24), b, 24, 32);
  return out;
}

AesKeyIv kdf_v1(std::span<const std::uint8_t> auth_key, std::span<const std::uint8_t> msg_key, MsgDirection x) {
  check_inputs(auth_key, msg_key);
  const std::size_t o = offset(x);
  const auto a = sha1(msg_key, auth_key.subspan(o, 32));
  const auto b = sha1(auth_key.subspan(32 + o, 16), msg_key, auth_key.subspan(48 + o, 16));
  const auto c = sha1(auth_key.subspan(64 + o, 32), msg_key);
  const auto d = sha1(msg_key, auth_key.subspan(96 + o, 32));
  AesKeyIv out{};
  put(put(put(out.key.data(), a, 0, 8), b, 8, 20), c, 4, 16);
  put(put(put(put(out.iv.data(), a, 8, 20), b, 0, 8), c, 16, 20), d, 0, 8);
  return out;
}

}  // namespace mtpipe::crypto
