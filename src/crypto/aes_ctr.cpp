#include "crypto/aes_ctr.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "crypto/openssl_util.h"

namespace mtpipe::crypto {

namespace {
const EVP_CIPHER* aes256_ctr() {
  static const EVP_CIPHER* cipher = [] {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
    if (c == nullptr) detail::throw_openssl("EVP_CIPHER_fetch AES-256-CTR");
    return c;
  }();
  return cipher;
}
}  // namespace

AesCtr::AesCtr(std::span<const std::uint8_t> key, std::span<const std::uint8_t> iv) : ctx_(nullptr) {
  if (key.size() != 32) throw Error("AES-256-CTR key must be 32 bytes");
  if (iv.size() != 16) throw Error("AES-256-CTR IV must be 16 bytes");
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr) detail::throw_openssl("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(ctx_, aes256_ctr(), key.data(), iv.data(), nullptr) != 1) {
    EVP_CIPHER_CTX_free(ctx_);
    detail::throw_openssl("EVP AES-256-CTR init");
  }
}

AesCtr::~AesCtr() { EVP_CIPHER_CTX_free(ctx_); }

AesCtr::AesCtr(AesCtr&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

AesCtr& AesCtr::operator=(AesCtr&& other) noexcept {
  if (this != &other) {
    EVP_CIPHER_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void AesCtr::apply(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  if (ctx_ == nullptr) throw Error("AES-CTR object used after move");
  if (in.size() != out.size()) throw Error("AES-CTR input and output lengths differ");
  // CTR keeps the partial keystream block internally, so chunk boundaries do not matter; chunking here only
  // respects EVP's int length.
  while (!in.empty()) {
    const std::size_t chunk = std::min<std::size_t>(in.size(), INT_MAX - 16);
    int len = 0;
    if (EVP_EncryptUpdate(ctx_, out.data(), &len, in.data(), static_cast<int>(chunk)) != 1 ||
        static_cast<std::size_t>(len) != chunk) {
      detail::throw_openssl("EVP AES-256-CTR update");
    }
    in = in.subspan(chunk);
    out = out.subspan(chunk);
  }
}

}  // namespace mtpipe::crypto
