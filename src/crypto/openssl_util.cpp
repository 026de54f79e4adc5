#include "crypto/openssl_util.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <string>

#include "crypto/bytes.h"

namespace mtpipe::crypto {

bool equal_ct(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void secure_wipe(std::span<std::uint8_t> secret) noexcept {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
}

namespace detail {

void throw_openssl(std::string_view what) {
  std::string message(what);
  if (unsigned long code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    message += ": ";
    message += buf;
  }
  ERR_clear_error();
  throw Error(message);
}

Bn bn_new() {
  Bn b(BN_new());
  if (!b) throw_openssl("BN_new");
  return b;
}

BnCtx bn_ctx_new() {
  BnCtx c(BN_CTX_secure_new());
  if (!c) throw_openssl("BN_CTX_new");
  return c;
}

Bn bn_from_bytes(std::span<const std::uint8_t> big_endian) {
  Bn b(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
  if (!b) throw_openssl("BN_bin2bn");
  return b;
}

Bn bn_from_word(std::uint64_t w) {
  Bn b = bn_new();
  if (BN_set_word(b.get(), w) != 1) throw_openssl("BN_set_word");
  return b;
}

Bn bn_copy(const BIGNUM* b) {
  Bn c(BN_dup(b));
  if (!c) throw_openssl("BN_dup");
  return c;
}

std::vector<std::uint8_t> bn_to_bytes(const BIGNUM* b) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(BN_num_bytes(b)));
  if (!out.empty()) BN_bn2bin(b, out.data());
  return out;
}

void bn_to_padded(const BIGNUM* b, std::span<std::uint8_t> out) {
  if (BN_bn2binpad(b, out.data(), static_cast<int>(out.size())) < 0) {
    throw Error("big number does not fit in " + std::to_string(out.size()) + " bytes");
  }
}

}  // namespace detail
}  // namespace mtpipe::crypto
