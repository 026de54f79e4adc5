// RSA_PAD of core.telegram.org/mtproto/auth_key, step 4.1 – an OAEP+-like wrapping that makes the RSA input
// look random and lets the server detect any tampering.
#include <algorithm>

#include "crypto/aes_ige.h"
#include "crypto/bytes.h"
#include "crypto/error.h"
#include "crypto/rsa.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

namespace {
constexpr std::size_t kPadded = 192;          // data_with_padding
constexpr std::size_t kWithHash = 224;        // data_pad_reversed + SHA256
constexpr int kMaxTempKeyAttempts = 64;       // each attempt fails with probability < 1/2 for a 2048-bit n
constexpr std::array<std::uint8_t, 32> kZeroIv{};
}  // namespace

std::array<std::uint8_t, kRsaBytes> rsa_pad_encrypt(const RsaPublicKey& key, std::span<const std::uint8_t> data,
                                                    Rng& rng) {
  if (data.size() > kRsaPadMaxData) throw Error("RSA_PAD: data longer than 144 bytes");
  std::array<std::uint8_t, kPadded> padded{};
  std::copy(data.begin(), data.end(), padded.begin());
  rng.fill(std::span(padded).subspan(data.size()));

  std::array<std::uint8_t, kWithHash> with_hash{};
  std::reverse_copy(padded.begin(), padded.end(), with_hash.begin());

  std::array<std::uint8_t, 32> temp_key{};
  std::array<std::uint8_t, kRsaBytes> block{};  // temp_key_xor + aes_encrypted
  const auto& n = key.n();                      // exactly 256 bytes (2048-bit key), so byte order = numeric order
  for (int attempt = 0; attempt < kMaxTempKeyAttempts; ++attempt) {
    rng.fill(temp_key);
    const auto hash = sha256(temp_key, padded);
    std::copy(hash.begin(), hash.end(), with_hash.begin() + kPadded);

    auto aes_encrypted = std::span(block).subspan(32);
    AesIge(temp_key).encrypt(kZeroIv, with_hash, aes_encrypted);
    const auto mask = sha256(aes_encrypted);
    for (std::size_t i = 0; i < 32; ++i) block[i] = static_cast<std::uint8_t>(temp_key[i] ^ mask[i]);

    if (std::lexicographical_compare(block.begin(), block.end(), n.begin(), n.end())) {
      auto out = key.encrypt_raw(block);
      secure_wipe(temp_key);
      secure_wipe(padded);
      secure_wipe(with_hash);
      return out;
    }
  }
  secure_wipe(temp_key);
  secure_wipe(padded);
  throw Error("RSA_PAD: no temp_key gave a block below the modulus");
}

std::array<std::uint8_t, 192> rsa_pad_decrypt(const RsaPrivateKey& key, std::span<const std::uint8_t> encrypted) {
  if (encrypted.size() != kRsaBytes) throw Error("RSA_PAD: encrypted data must be 256 bytes");
  auto block = key.decrypt_raw(encrypted);
  auto padded = rsa_pad_unwrap(block);
  secure_wipe(block);
  return padded;
}

std::array<std::uint8_t, 192> rsa_pad_unwrap(std::span<const std::uint8_t, kRsaBytes> block) {
  const auto aes_encrypted = std::span<const std::uint8_t>(block).subspan(32);

  const auto mask = sha256(aes_encrypted);
  std::array<std::uint8_t, 32> temp_key{};
  for (std::size_t i = 0; i < 32; ++i) temp_key[i] = static_cast<std::uint8_t>(block[i] ^ mask[i]);

  std::array<std::uint8_t, kWithHash> with_hash{};
  AesIge(temp_key).decrypt(kZeroIv, aes_encrypted, with_hash);

  std::array<std::uint8_t, kPadded> padded{};
  std::reverse_copy(with_hash.begin(), with_hash.begin() + kPadded, padded.begin());
  const auto expected = sha256(temp_key, padded);
  const bool ok = equal_ct(expected, std::span(with_hash).subspan(kPadded));
  secure_wipe(temp_key);
  secure_wipe(with_hash);
  if (!ok) {
    secure_wipe(padded);
    throw Error("RSA_PAD: hash mismatch (wrong key or tampered data)");
  }
  return padded;
}

}  // namespace mtpipe::crypto
