#include "mtproto/handshake/inner_cipher.h"

#include <algorithm>

#include "crypto/auth_key.h"
#include "crypto/bytes.h"
#include "crypto/sha.h"
#include "mtproto/error.h"
#include "mtproto/handshake/wire.h"
#include "tl/errors.h"

namespace mtpipe::mtproto::handshake::detail {

namespace {
constexpr std::size_t kSha1Size = 20;
constexpr std::size_t kBlock = 16;
}  // namespace

TmpAesKey::TmpAesKey(const tl::Int256& new_nonce, const tl::Int128& server_nonce)
    : key_iv_(crypto::tmp_aes_key_iv(new_nonce, server_nonce)) {}

TmpAesKey::~TmpAesKey() {
  crypto::secure_wipe(key_iv_.key);
  crypto::secure_wipe(key_iv_.iv);
}

std::vector<std::uint8_t> with_sha1(std::span<const std::uint8_t> data, crypto::Rng& rng) {
  const std::size_t used = kSha1Size + data.size();
  std::vector<std::uint8_t> out((used + kBlock - 1) / kBlock * kBlock);
  const auto hash = crypto::sha1(data);
  std::copy(hash.begin(), hash.end(), out.begin());
  std::copy(data.begin(), data.end(), out.begin() + kSha1Size);
  rng.fill(std::span(out).subspan(used));
  return out;
}

std::string ige_encrypt(std::span<const std::uint8_t> with_hash, const crypto::AesKeyIv& key_iv) {
  std::string out(with_hash.size(), '\0');
  crypto::AesIge(key_iv.key).encrypt(key_iv.iv, with_hash,
                                     {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
  return out;
}

tl::object_ptr<tl::Object> decrypt_with_sha1(std::string_view encrypted, const crypto::AesKeyIv& key_iv,
                                             std::string_view what) {
  const std::string name(what);
  if (encrypted.size() < kSha1Size + 4 || encrypted.size() % kBlock != 0) {
    throw ProtocolError(Refusal::malformed, "encrypted " + name + " of " + std::to_string(encrypted.size()) +
                                                " bytes is not a whole number of AES blocks holding a hash");
  }
  std::vector<std::uint8_t> plain(encrypted.size());
  crypto::AesIge(key_iv.key).decrypt(key_iv.iv, crypto::as_bytes(encrypted), plain);

  tl::object_ptr<tl::Object> obj;
  std::size_t consumed = 0;
  try {
    tl::Reader r{std::span(plain).subspan(kSha1Size)};
    obj = tl::read_any_object(r);
    consumed = plain.size() - kSha1Size - r.remaining();
  } catch (const tl::DecodeError& e) {
    throw ProtocolError(Refusal::malformed, name + " does not decrypt to a TL object: " + e.what());
  }
  const std::size_t padding = plain.size() - kSha1Size - consumed;
  if (padding >= kBlock) {
    throw ProtocolError(Refusal::malformed, name + " is followed by " + std::to_string(padding) +
                                                " bytes of padding; at most 15 are allowed");
  }
  const auto hash = crypto::sha1(std::span(plain).subspan(kSha1Size, consumed));
  if (!crypto::equal_ct(hash, std::span(plain).first(kSha1Size))) {
    throw ProtocolError(Refusal::bad_hash, "the SHA1 in front of " + name + " does not match it");
  }
  return obj;
}

}  // namespace mtpipe::mtproto::handshake::detail
