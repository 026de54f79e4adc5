// RSA key handling through the OpenSSL 3 provider APIs (OSSL_DECODER / OSSL_ENCODER / EVP_PKEY params); the
// public-key operation itself is plain BN_mod_exp because MTProto defines its own padding.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "crypto/openssl_util.h"
#include "crypto/rsa.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// TL `bytes`: a 1-byte length (or 0xfe + 3-byte little-endian length from 254 bytes on), the data, then zero
// padding to a multiple of 4.
void append_tl_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> data) {
  const std::size_t start = out.size();
  if (data.size() <= 253) {
    out.push_back(static_cast<std::uint8_t>(data.size()));
  } else {
    out.push_back(0xfe);
    out.push_back(static_cast<std::uint8_t>(data.size()));
    out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(data.size() >> 16));
  }
  out.insert(out.end(), data.begin(), data.end());
  while ((out.size() - start) % 4 != 0) out.push_back(0);
}

Pkey decode_pem(std::string_view pem, int selection, const char* what) {
  EVP_PKEY* raw = nullptr;
  OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", selection, nullptr, nullptr);
  if (dctx == nullptr) detail::throw_openssl("OSSL_DECODER_CTX_new_for_pkey");
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t len = pem.size();
  // The decoder tries several formats and queues an error for each one that does not match, even when a later
  // one succeeds: drop those so they are not reported with some unrelated failure later.
  ERR_set_mark();
  const int ok = OSSL_DECODER_from_data(dctx, &data, &len);
  OSSL_DECODER_CTX_free(dctx);
  Pkey key(raw);
  if (ok != 1 || !key) {
    ERR_clear_last_mark();
    detail::throw_openssl(std::string("cannot parse ") + what + " PEM");
  }
  ERR_pop_to_mark();
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) throw Error(std::string(what) + " PEM is not an RSA key");
  return key;
}

detail::Bn get_bn(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1 || bn == nullptr) {
    detail::throw_openssl(std::string("EVP_PKEY_get_bn_param ") + name);
  }
  return detail::Bn(bn);
}

std::string encode_pem(const EVP_PKEY* key, int selection, const char* structure, bool secret) {
  OSSL_ENCODER_CTX* ectx = OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", structure, nullptr);
  if (ectx == nullptr) detail::throw_openssl("OSSL_ENCODER_CTX_new_for_pkey");
  unsigned char* buf = nullptr;
  std::size_t len = 0;
  const int ok = OSSL_ENCODER_to_data(ectx, &buf, &len);
  OSSL_ENCODER_CTX_free(ectx);
  if (ok != 1 || buf == nullptr) detail::throw_openssl(std::string("PEM encoding (") + structure + ") failed");
  std::string out(reinterpret_cast<const char*>(buf), len);
  if (secret) {
    OPENSSL_clear_free(buf, len);
  } else {
    OPENSSL_free(buf);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- RsaPublicKey

RsaPublicKey::RsaPublicKey(std::vector<std::uint8_t> n, std::vector<std::uint8_t> e)
    : n_(std::move(n)), e_(std::move(e)), fingerprint_(0) {
  std::vector<std::uint8_t> tl;
  append_tl_bytes(tl, n_);
  append_tl_bytes(tl, e_);
  const auto digest = sha1(tl);
  for (int i = 7; i >= 0; --i) fingerprint_ = (fingerprint_ << 8) | digest[12 + static_cast<std::size_t>(i)];
}

RsaPublicKey RsaPublicKey::from_components(std::span<const std::uint8_t> n, std::span<const std::uint8_t> e) {
  // Normalise through BIGNUM: strips leading zeros, which must not be part of the fingerprinted form.
  const detail::Bn bn_n = detail::bn_from_bytes(n);
  const detail::Bn bn_e = detail::bn_from_bytes(e);
  if (BN_num_bits(bn_n.get()) != 2048) throw Error("RSA modulus must be 2048 bits");
  if (!BN_is_odd(bn_n.get())) throw Error("RSA modulus must be odd");
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) throw Error("RSA public exponent must be odd and > 1");
  return RsaPublicKey(detail::bn_to_bytes(bn_n.get()), detail::bn_to_bytes(bn_e.get()));
}

RsaPublicKey RsaPublicKey::from_pem(std::string_view pem) {
  // Structure left open, so the decoder accepts both PKCS#1 and SubjectPublicKeyInfo.
  const Pkey key = decode_pem(pem, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "RSA public key");
  const detail::Bn n = get_bn(key.get(), OSSL_PKEY_PARAM_RSA_N);
  const detail::Bn e = get_bn(key.get(), OSSL_PKEY_PARAM_RSA_E);
  return from_components(detail::bn_to_bytes(n.get()), detail::bn_to_bytes(e.get()));
}

std::array<std::uint8_t, kRsaBytes> RsaPublicKey::encrypt_raw(std::span<const std::uint8_t> data) const {
  if (data.size() != kRsaBytes) throw Error("RSA input must be 256 bytes");
  const detail::Bn m = detail::bn_from_bytes(data);
  const detail::Bn n = detail::bn_from_bytes(n_);
  const detail::Bn e = detail::bn_from_bytes(e_);
  if (BN_cmp(m.get(), n.get()) >= 0) throw Error("RSA input is not below the modulus");
  const detail::BnCtx ctx = detail::bn_ctx_new();
  detail::Bn c = detail::bn_new();
  if (BN_mod_exp(c.get(), m.get(), e.get(), n.get(), ctx.get()) != 1) detail::throw_openssl("BN_mod_exp");
  return detail::bn_to_array<kRsaBytes>(c.get());
}

// ---------------------------------------------------------------- RsaPrivateKey

RsaPrivateKey RsaPrivateKey::generate(unsigned bits) {
  if (bits != 2048) throw Error("MTProto RSA keys are 2048-bit");
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  if (key == nullptr) detail::throw_openssl("RSA key generation failed");
  return RsaPrivateKey(key);
}

RsaPrivateKey RsaPrivateKey::from_pem(std::string_view pem) {
  Pkey key = decode_pem(pem, OSSL_KEYMGMT_SELECT_KEYPAIR, "RSA private key");
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_D, &d) != 1 || d == nullptr) {
    BN_clear_free(d);
    ERR_clear_error();
    throw Error("PEM holds no RSA private key");
  }
  BN_clear_free(d);
  const detail::Bn n = get_bn(key.get(), OSSL_PKEY_PARAM_RSA_N);
  if (BN_num_bits(n.get()) != 2048) throw Error("RSA modulus must be 2048 bits");
  return RsaPrivateKey(key.release());
}

RsaPrivateKey::~RsaPrivateKey() { EVP_PKEY_free(pkey_); }

RsaPrivateKey::RsaPrivateKey(const RsaPrivateKey& other) : pkey_(other.pkey_) {
  if (pkey_ != nullptr && EVP_PKEY_up_ref(pkey_) != 1) detail::throw_openssl("EVP_PKEY_up_ref");
}

RsaPrivateKey& RsaPrivateKey::operator=(const RsaPrivateKey& other) {
  if (this != &other) {
    RsaPrivateKey copy(other);
    std::swap(pkey_, copy.pkey_);
  }
  return *this;
}

RsaPrivateKey::RsaPrivateKey(RsaPrivateKey&& other) noexcept : pkey_(std::exchange(other.pkey_, nullptr)) {}

RsaPrivateKey& RsaPrivateKey::operator=(RsaPrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
  }
  return *this;
}

std::string RsaPrivateKey::to_pem() const {
  if (pkey_ == nullptr) throw Error("RSA key used after move");
  return encode_pem(pkey_, OSSL_KEYMGMT_SELECT_KEYPAIR, "PrivateKeyInfo", true);
}

RsaPublicKey RsaPrivateKey::public_key() const {
  if (pkey_ == nullptr) throw Error("RSA key used after move");
  const detail::Bn n = get_bn(pkey_, OSSL_PKEY_PARAM_RSA_N);
  const detail::Bn e = get_bn(pkey_, OSSL_PKEY_PARAM_RSA_E);
  return RsaPublicKey::from_components(detail::bn_to_bytes(n.get()), detail::bn_to_bytes(e.get()));
}

std::string RsaPrivateKey::public_pem_pkcs1() const {
  if (pkey_ == nullptr) throw Error("RSA key used after move");
  // "type-specific" is the provider's name for the algorithm's own structure: PKCS#1 RSAPublicKey for RSA.
  return encode_pem(pkey_, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "type-specific", false);
}

std::array<std::uint8_t, kRsaBytes> RsaPrivateKey::decrypt_raw(std::span<const std::uint8_t> data) const {
  if (pkey_ == nullptr) throw Error("RSA key used after move");
  if (data.size() != kRsaBytes) throw Error("RSA input must be 256 bytes");
  // EVP with RSA_NO_PADDING is exactly c^d mod n, but with CRT and blinding against timing attacks.
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr);
  if (ctx == nullptr) detail::throw_openssl("EVP_PKEY_CTX_new_from_pkey");
  std::array<std::uint8_t, kRsaBytes> out{};
  std::size_t out_len = out.size();
  const bool ok = EVP_PKEY_decrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
                  EVP_PKEY_decrypt(ctx, out.data(), &out_len, data.data(), data.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) detail::throw_openssl("RSA decryption failed (input not below the modulus?)");
  if (out_len != out.size()) {  // keep the number right-aligned, as the spec's 256-byte big-endian form
    std::copy_backward(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out_len), out.end());
    std::fill(out.begin(), out.end() - static_cast<std::ptrdiff_t>(out_len), 0);
  }
  return out;
}

}  // namespace mtpipe::crypto
