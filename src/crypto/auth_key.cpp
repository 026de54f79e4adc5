#include "crypto/auth_key.h"

#include <algorithm>

#include "crypto/error.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

namespace {
void check_auth_key(std::span<const std::uint8_t> auth_key) {
  if (auth_key.size() != 256) throw Error("auth_key must be 256 bytes");
}
}  // namespace

AesKeyIv tmp_aes_key_iv(std::span<const std::uint8_t> new_nonce, std::span<const std::uint8_t> server_nonce) {
  if (new_nonce.size() != 32) throw Error("new_nonce must be 32 bytes");
  if (server_nonce.size() != 16) throw Error("server_nonce must be 16 bytes");
  const auto new_server = sha1(new_nonce, server_nonce);
  const auto server_new = sha1(server_nonce, new_nonce);
  const auto new_new = sha1(new_nonce, new_nonce);
  AesKeyIv out{};
  auto k = std::copy(new_server.begin(), new_server.end(), out.key.begin());
  std::copy_n(server_new.begin(), 12, k);
  auto v = std::copy_n(server_new.begin() + 12, 8, out.iv.begin());
  v = std::copy(new_new.begin(), new_new.end(), v);
  std::copy_n(new_nonce.begin(), 4, v);
  return out;
}

std::array<std::uint8_t, 8> auth_key_aux_hash(std::span<const std::uint8_t> auth_key) {
  check_auth_key(auth_key);
  const auto h = sha1(auth_key);
  std::array<std::uint8_t, 8> out{};
  std::copy_n(h.begin(), 8, out.begin());
  return out;
}

std::array<std::uint8_t, 16> new_nonce_hash(std::span<const std::uint8_t> new_nonce, int n,
                                            std::span<const std::uint8_t> auth_key) {
  if (new_nonce.size() != 32) throw Error("new_nonce must be 32 bytes");
  if (n < 1 || n > 3) throw Error("new_nonce_hash number must be 1, 2 or 3");
  const std::array<std::uint8_t, 1> tag{static_cast<std::uint8_t>(n)};
  const auto h = sha1(new_nonce, tag, auth_key_aux_hash(auth_key));
  std::array<std::uint8_t, 16> out{};
  std::copy_n(h.begin() + 4, 16, out.begin());
  return out;
}

std::uint64_t auth_key_id(std::span<const std::uint8_t> auth_key) {
  check_auth_key(auth_key);
  const auto h = sha1(auth_key);
  std::uint64_t id = 0;
  for (int i = 19; i >= 12; --i) id = (id << 8) | h[static_cast<std::size_t>(i)];
  return id;
}

}  // namespace mtpipe::crypto
