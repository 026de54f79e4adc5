#include "crypto/sha.h"

#include <openssl/evp.h>

#include <string>

#include "crypto/openssl_util.h"

namespace mtpipe::crypto::detail {

namespace {
const EVP_MD* fetch(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw_openssl(std::string("EVP_MD_fetch ") + name);
  return md;
}
}  // namespace

// Function-local statics: initialised once, thread-safely, on first use.
const EVP_MD* sha1_md() {
  static const EVP_MD* md = fetch("SHA1");
  return md;
}
const EVP_MD* sha256_md() {
  static const EVP_MD* md = fetch("SHA2-256");
  return md;
}
const EVP_MD* sha512_md() {
  static const EVP_MD* md = fetch("SHA2-512");
  return md;
}

template <std::size_t N, const EVP_MD* (*Md)()>
Hash<N, Md>::Hash() : ctx_(nullptr) {
  const EVP_MD* md = Md();  // may throw: fetch before allocating anything
  ctx_ = EVP_MD_CTX_new();
  if (ctx_ == nullptr) throw_openssl("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex2(ctx_, md, nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw_openssl("EVP_DigestInit_ex2");
  }
}

template <std::size_t N, const EVP_MD* (*Md)()>
Hash<N, Md>::~Hash() {
  EVP_MD_CTX_free(ctx_);
}

template <std::size_t N, const EVP_MD* (*Md)()>
Hash<N, Md>& Hash<N, Md>::operator=(Hash&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

template <std::size_t N, const EVP_MD* (*Md)()>
Hash<N, Md>& Hash<N, Md>::update(std::span<const std::uint8_t> data) {
  if (ctx_ == nullptr) throw Error("hash object used after move");
  if (!data.empty() && EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) throw_openssl("EVP_DigestUpdate");
  return *this;
}

template <std::size_t N, const EVP_MD* (*Md)()>
typename Hash<N, Md>::Digest Hash<N, Md>::finish() {
  if (ctx_ == nullptr) throw Error("hash object used after move");
  Digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != N) throw_openssl("EVP_DigestFinal_ex");
  reset();
  return out;
}

template <std::size_t N, const EVP_MD* (*Md)()>
void Hash<N, Md>::reset() {
  if (ctx_ == nullptr) throw Error("hash object used after move");
  // A null type re-uses the already attached algorithm: cheaper than looking it up again.
  if (EVP_DigestInit_ex2(ctx_, nullptr, nullptr) != 1) throw_openssl("EVP_DigestInit_ex2");
}

template class Hash<20, sha1_md>;
template class Hash<32, sha256_md>;

Sha1& thread_sha1() {
  thread_local Sha1 h;
  return h;
}

Sha256& thread_sha256() {
  thread_local Sha256 h;
  return h;
}

}  // namespace mtpipe::crypto::detail
