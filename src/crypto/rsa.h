#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/error.h"
#include "crypto/random.h"

namespace mtpipe::crypto {

// MTProto only uses 2048-bit RSA: every RSA output is exactly 256 bytes. Keys of any other size are rejected.
inline constexpr std::size_t kRsaBytes = 256;

// A server public key as the client knows it (from a PEM built into the app, or from the emulator).
class RsaPublicKey {
 public:
  // Accepts PKCS#1 ("-----BEGIN RSA PUBLIC KEY-----", the form Telegram publishes) and SubjectPublicKeyInfo
  // ("-----BEGIN PUBLIC KEY-----").
  static RsaPublicKey from_pem(std::string_view pem);
  // From the big-endian modulus and exponent (leading zero bytes allowed).
  static RsaPublicKey from_components(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e);

  // Minimal big-endian forms (no leading zero bytes): what the fingerprint is computed over.
  const std::vector<std::uint8_t>& n() const noexcept { return n_; }
  const std::vector<std::uint8_t>& e() const noexcept { return e_; }

  // Telegram's key fingerprint: the low 64 bits (last 8 bytes, read little-endian) of SHA1 of the bare TL
  // serialisation `rsa_public_key n:bytes e:bytes`. This is the number resPQ and req_DH_params carry.
  std::uint64_t fingerprint() const noexcept { return fingerprint_; }

  // Textbook RSA: data^e mod n, data being a 256-byte big-endian number below n (else Error).
  // Only safe with MTProto's own padding schemes below.
  std::array<std::uint8_t, kRsaBytes> encrypt_raw(std::span<const std::uint8_t> data) const;

 private:
  RsaPublicKey(std::vector<std::uint8_t> n, std::vector<std::uint8_t> e);

  std::vector<std::uint8_t> n_;
  std::vector<std::uint8_t> e_;
  std::uint64_t fingerprint_;
};

// A server private key, for the DC emulator. Copies share the same immutable OpenSSL key.
class RsaPrivateKey {
 public:
  static RsaPrivateKey generate(unsigned bits = 2048);
  // PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY"), unencrypted.
  static RsaPrivateKey from_pem(std::string_view pem);

  ~RsaPrivateKey();
  RsaPrivateKey(const RsaPrivateKey& other);
  RsaPrivateKey& operator=(const RsaPrivateKey& other);
  RsaPrivateKey(RsaPrivateKey&& other) noexcept;
  RsaPrivateKey& operator=(RsaPrivateKey&& other) noexcept;

  std::string to_pem() const;  // PKCS#8
  RsaPublicKey public_key() const;
  std::string public_pem_pkcs1() const;  // "-----BEGIN RSA PUBLIC KEY-----", the form clients embed

  // Textbook RSA decryption: data^d mod n for a 256-byte big-endian number below n (else Error).
  std::array<std::uint8_t, kRsaBytes> decrypt_raw(std::span<const std::uint8_t> data) const;

 private:
  explicit RsaPrivateKey(EVP_PKEY* pkey) noexcept : pkey_(pkey) {}
  EVP_PKEY* pkey_;
};

// ---- RSA_PAD: the padding of req_DH_params' encrypted_data (core.telegram.org/mtproto/auth_key, step 4.1) ----

inline constexpr std::size_t kRsaPadMaxData = 144;

// Client side: pads `data` (at most 144 bytes) to 192 with random bytes, wraps it with a random temp_key
// through AES-256-IGE, and RSA-encrypts the result. Randomness is drawn in spec order: first the padding, then
// 32 bytes of temp_key for each attempt (a new temp_key is drawn while the block is >= n).
std::array<std::uint8_t, kRsaBytes> rsa_pad_encrypt(const RsaPublicKey& key, std::span<const std::uint8_t> data,
                                                    Rng& rng);

// Server side inverse: returns data_with_padding (192 bytes; the TL parser finds where data ends). Throws Error
// if the input is not 256 bytes, is >= n, or the embedded SHA256 does not match.
std::array<std::uint8_t, 192> rsa_pad_decrypt(const RsaPrivateKey& key, std::span<const std::uint8_t> encrypted);
// The same for a block already RSA-decrypted (decrypt_raw): a server that must try both schemes on one
// ciphertext pays for one private-key operation, not two.
std::array<std::uint8_t, 192> rsa_pad_unwrap(std::span<const std::uint8_t, kRsaBytes> block);

// ---- The legacy scheme (before RSA_PAD): RSA(SHA1(data) + data + random padding to 255 bytes) ----

inline constexpr std::size_t kRsaLegacyMaxData = 255 - 20;

std::array<std::uint8_t, kRsaBytes> rsa_legacy_encrypt(const RsaPublicKey& key, std::span<const std::uint8_t> data,
                                                       Rng& rng);
// Returns the 255-byte plaintext SHA1(data) + data + padding. The length of data is only known after parsing
// the TL object at offset 20; then check it with rsa_legacy_hash_matches.
std::vector<std::uint8_t> rsa_legacy_decrypt(const RsaPrivateKey& key, std::span<const std::uint8_t> encrypted);
// The 255-byte legacy plaintext of an already decrypted block; Error when its top byte is not zero.
std::vector<std::uint8_t> rsa_legacy_unwrap(std::span<const std::uint8_t, kRsaBytes> block);
bool rsa_legacy_hash_matches(std::span<const std::uint8_t> plaintext255, std::size_t data_len);

}  // namespace mtpipe::crypto
