#include "crypto/aes_block.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <utility>

#include "crypto/aes_ni.h"
#include "crypto/openssl_util.h"

namespace mtpipe::crypto {

namespace {

const EVP_CIPHER* aes256_ecb() {
  static const EVP_CIPHER* cipher = [] {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-ECB", nullptr);
    if (c == nullptr) detail::throw_openssl("EVP_CIPHER_fetch AES-256-ECB");
    return c;
  }();
  return cipher;
}

EVP_CIPHER_CTX* make_ecb_ctx(std::span<const std::uint8_t> key, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) detail::throw_openssl("EVP_CIPHER_CTX_new");
  // ECB on exactly one block per call is the raw block cipher; padding would append a second block.
  if (EVP_CipherInit_ex2(ctx, aes256_ecb(), key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    detail::throw_openssl("EVP AES-256-ECB init");
  }
  return ctx;
}

void evp_block(EVP_CIPHER_CTX* ctx, const std::uint8_t* in, std::uint8_t* out) {
  int len = 0;
  if (EVP_CipherUpdate(ctx, out, &len, in, 16) != 1 || len != 16) detail::throw_openssl("EVP AES block");
}

}  // namespace

bool aesni_supported() noexcept {
  static const bool supported = detail::cpu_has_aesni();
  return supported;
}

Aes256::Aes256(std::span<const std::uint8_t> key, AesImpl impl) {
  if (key.size() != kKeySize) throw Error("AES-256 key must be 32 bytes");
  if (impl == AesImpl::kAuto) impl = aesni_supported() ? AesImpl::kAesNi : AesImpl::kEvp;
  if (impl == AesImpl::kAesNi && !aesni_supported()) throw Error("AES-NI requested but not supported by this CPU");
  impl_ = impl;
  if (impl_ == AesImpl::kAesNi) {
    detail::aesni_expand_key(key.data(), ni_);
  } else {
    enc_ctx_ = make_ecb_ctx(key, true);
    try {
      dec_ctx_ = make_ecb_ctx(key, false);
    } catch (...) {
      EVP_CIPHER_CTX_free(enc_ctx_);
      throw;
    }
  }
}

Aes256::~Aes256() { release(); }

// A moved-from object keeps no key: it reports the EVP path with no context, so any further use throws instead
// of silently encrypting under an all-zero AES-NI schedule.
void Aes256::forget_key() noexcept {
  OPENSSL_cleanse(&ni_, sizeof ni_);
  impl_ = AesImpl::kEvp;
}

void Aes256::release() noexcept {
  OPENSSL_cleanse(&ni_, sizeof ni_);
  EVP_CIPHER_CTX_free(enc_ctx_);  // frees (and clears) the OpenSSL key schedule
  EVP_CIPHER_CTX_free(dec_ctx_);
  enc_ctx_ = dec_ctx_ = nullptr;
}

Aes256::Aes256(Aes256&& other) noexcept
    : impl_(other.impl_), ni_(other.ni_), enc_ctx_(std::exchange(other.enc_ctx_, nullptr)),
      dec_ctx_(std::exchange(other.dec_ctx_, nullptr)) {
  other.forget_key();
}

Aes256& Aes256::operator=(Aes256&& other) noexcept {
  if (this != &other) {
    release();
    impl_ = other.impl_;
    ni_ = other.ni_;
    enc_ctx_ = std::exchange(other.enc_ctx_, nullptr);
    dec_ctx_ = std::exchange(other.dec_ctx_, nullptr);
    other.forget_key();
  }
  return *this;
}

void Aes256::encrypt_block(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out) {
  if (impl_ == AesImpl::kAesNi) {
    detail::aesni_encrypt_block(ni_, in.data(), out.data());
  } else {
    if (enc_ctx_ == nullptr) throw Error("AES object used after move");
    evp_block(enc_ctx_, in.data(), out.data());
  }
}

void Aes256::decrypt_block(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out) {
  if (impl_ == AesImpl::kAesNi) {
    detail::aesni_decrypt_block(ni_, in.data(), out.data());
  } else {
    if (dec_ctx_ == nullptr) throw Error("AES object used after move");
    evp_block(dec_ctx_, in.data(), out.data());
  }
}

}  // namespace mtpipe::crypto
