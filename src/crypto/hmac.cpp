#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>

#include "crypto/openssl_util.h"

namespace mtpipe::crypto::detail {
namespace {

// Fetched from the provider once per process and intentionally never freed, like the digests in sha.cpp.
EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) throw_openssl("EVP_MAC_fetch HMAC");
    return m;
  }();
  return mac;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }  // also wipes the keyed state
};

}  // namespace

HmacSha256 hmac_sha256_parts(std::span<const std::uint8_t> key, std::span<const std::span<const std::uint8_t>> parts) {
  const std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(hmac_mac()));
  if (!ctx) throw_openssl("EVP_MAC_CTX_new");
  char digest[] = "SHA2-256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  // A null key pointer would mean "keep the previous key"; an empty key is a valid HMAC key.
  static const std::uint8_t kEmpty = 0;
  if (EVP_MAC_init(ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), params) != 1) throw_openssl("EVP_MAC_init");
  for (const auto part : parts)
    if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) throw_openssl("EVP_MAC_update");
  HmacSha256 out{};
  std::size_t size = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &size, out.size()) != 1) throw_openssl("EVP_MAC_final");
  if (size != out.size()) throw Error("HMAC-SHA256: OpenSSL returned " + std::to_string(size) + " bytes, not 32");
  return out;
}

}  // namespace mtpipe::crypto::detail
