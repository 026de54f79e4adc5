// The pre-RSA_PAD scheme of req_DH_params (still in older documentation and in the published worked example):
// RSA(SHA1(data) + data + random bytes up to 255 bytes). A 255-byte block is always below a 2048-bit modulus.
#include <algorithm>

#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/rsa.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

std::array<std::uint8_t, kRsaBytes> rsa_legacy_encrypt(const RsaPublicKey& key, std::span<const std::uint8_t> data,
                                                       Rng& rng) {
  if (data.size() > kRsaLegacyMaxData) throw Error("RSA legacy: data longer than 235 bytes");
  std::array<std::uint8_t, kRsaBytes> block{};  // block[0] stays 0: the 255-byte number, big-endian
  const auto hash = sha1(data);
  std::copy(hash.begin(), hash.end(), block.begin() + 1);
  std::copy(data.begin(), data.end(), block.begin() + 21);
  rng.fill(std::span(block).subspan(21 + data.size()));
  auto out = key.encrypt_raw(block);
  secure_wipe(block);
  return out;
}

std::vector<std::uint8_t> rsa_legacy_decrypt(const RsaPrivateKey& key, std::span<const std::uint8_t> encrypted) {
  if (encrypted.size() != kRsaBytes) throw Error("RSA legacy: encrypted data must be 256 bytes");
  auto block = key.decrypt_raw(encrypted);
  try {
    auto out = rsa_legacy_unwrap(block);
    secure_wipe(block);
    return out;
  } catch (...) {
    secure_wipe(block);
    throw;
  }
}

std::vector<std::uint8_t> rsa_legacy_unwrap(std::span<const std::uint8_t, kRsaBytes> block) {
  if (block[0] != 0) throw Error("RSA legacy: plaintext is longer than 255 bytes");
  return std::vector<std::uint8_t>(block.begin() + 1, block.end());
}

bool rsa_legacy_hash_matches(std::span<const std::uint8_t> plaintext255, std::size_t data_len) {
  if (plaintext255.size() != 255 || data_len > kRsaLegacyMaxData) return false;
  const auto hash = sha1(plaintext255.subspan(20, data_len));
  return equal_ct(hash, plaintext255.first(20));
}

}  // namespace mtpipe::crypto
