#include "tl/serialize.h"
#include "mtproto/handshake/temp_key_binding.h"

#include <algorithm>
#include <string>

#include "crypto/aes_ige.h"
#include "crypto/bytes.h"
#include "crypto/message_key.h"
#include "crypto/sha.h"
#include "mtproto/byte_order.h"
#include "mtproto/error.h"
#include "mtproto/handshake/wire.h"
#include "tl/api.h"

namespace mtpipe::mtproto::handshake {

namespace {

constexpr std::size_t kKeyIdSize = 8;
constexpr std::size_t kMsgKeySize = 16;
constexpr std::size_t kOuterHeader = kKeyIdSize + kMsgKeySize;
constexpr std::size_t kInnerHeader = 32;  // random:int128 | msg_id:long | seq_no:int | length:int
constexpr std::size_t kBlock = 16;

// MTProto 1.0: msg_key = the lower 128 bits of SHA1 of the plaintext without padding.
std::array<std::uint8_t, kMsgKeySize> v1_msg_key(std::span<const std::uint8_t> unpadded) {
  const auto h = crypto::sha1(unpadded);
  std::array<std::uint8_t, kMsgKeySize> out{};
  std::copy(h.end() - kMsgKeySize, h.end(), out.begin());
  return out;
}

}  // namespace

std::vector<std::uint8_t> encrypt_bind_message(const AuthKey& perm_key, std::int64_t msg_id,
                                               const BindAuthKeyInner& inner, crypto::Rng& rng) {
  tl::mt::bind_auth_key_inner obj;
  obj.nonce = inner.nonce;
  obj.temp_auth_key_id = inner.temp_auth_key_id;
  obj.perm_auth_key_id = inner.perm_auth_key_id;
  obj.temp_session_id = inner.temp_session_id;
  obj.expires_at = inner.expires_at;
  const auto data = tl::serialize(obj);

  const std::size_t used = kInnerHeader + data.size();
  std::vector<std::uint8_t> plain((used + kBlock - 1) / kBlock * kBlock);
  rng.fill(std::span(plain).first(16));  // random:int128 in place of salt and session_id
  store_le(plain.data() + 16, msg_id);
  store_le(plain.data() + 24, std::int32_t{0});  // seq_no
  store_le(plain.data() + 28, static_cast<std::int32_t>(data.size()));
  std::copy(data.begin(), data.end(), plain.begin() + kInnerHeader);
  rng.fill(std::span(plain).subspan(used));

  const auto msg_key = v1_msg_key(std::span(plain).first(used));
  auto key_iv = crypto::kdf_v1(perm_key.bytes, msg_key, crypto::MsgDirection::kClientToServer);
  std::vector<std::uint8_t> out(kOuterHeader + plain.size());
  store_le(out.data(), perm_key.id);
  std::copy(msg_key.begin(), msg_key.end(), out.begin() + kKeyIdSize);
  crypto::AesIge(key_iv.key).encrypt(key_iv.iv, plain, std::span(out).subspan(kOuterHeader));
  crypto::secure_wipe(key_iv.key);
  crypto::secure_wipe(key_iv.iv);
  crypto::secure_wipe(plain);
  return out;
}

BindRequest make_bind_request(const AuthKey& perm_key, const AuthKey& temp_key, std::int64_t temp_session_id,
                              std::int32_t expires_at, std::int64_t msg_id, crypto::Rng& rng) {
  std::array<std::uint8_t, 8> nonce{};
  rng.fill(nonce);
  BindAuthKeyInner inner;
  inner.nonce = load_le<std::int64_t>(nonce.data());
  inner.temp_auth_key_id = static_cast<std::int64_t>(temp_key.id);
  inner.perm_auth_key_id = static_cast<std::int64_t>(perm_key.id);
  inner.temp_session_id = temp_session_id;
  inner.expires_at = expires_at;
  BindRequest req;
  req.perm_auth_key_id = inner.perm_auth_key_id;
  req.nonce = inner.nonce;
  req.expires_at = expires_at;
  req.encrypted_message = encrypt_bind_message(perm_key, msg_id, inner, rng);
  return req;
}

BindAuthKeyInner decrypt_bind_message(const AuthKey& perm_key, std::int64_t msg_id,
                                      std::span<const std::uint8_t> encrypted_message) {
  const auto in = encrypted_message;
  if (in.size() < kOuterHeader + kInnerHeader || (in.size() - kOuterHeader) % kBlock != 0) {
    throw ProtocolError(Refusal::bad_length, "bind message of " + std::to_string(in.size()) +
                                                 " bytes is not a key id, a msg_key and whole AES blocks");
  }
  if (load_le<std::uint64_t>(in.data()) != perm_key.id) {
    throw ProtocolError(Refusal::bad_auth_key_id, "bind message is not encrypted with the permanent key");
  }
  const auto msg_key = in.subspan(kKeyIdSize, kMsgKeySize);
  auto key_iv = crypto::kdf_v1(perm_key.bytes, msg_key, crypto::MsgDirection::kClientToServer);
  std::vector<std::uint8_t> plain(in.size() - kOuterHeader);
  crypto::AesIge(key_iv.key).decrypt(key_iv.iv, in.subspan(kOuterHeader), plain);
  crypto::secure_wipe(key_iv.key);
  crypto::secure_wipe(key_iv.iv);

  // MTProto 1.0's msg_key covers only the unpadded plaintext, so its extent comes from the length field; that
  // is bounds-checked first, then msg_key authenticates everything before any other field is believed.
  const auto length = load_le<std::int32_t>(plain.data() + 28);
  const std::size_t room = plain.size() - kInnerHeader;
  if (length < 0 || static_cast<std::size_t>(length) > room || room - static_cast<std::size_t>(length) >= kBlock) {
    crypto::secure_wipe(plain);
    throw ProtocolError(Refusal::bad_length, "bind message length field does not fit its padding");
  }
  const std::size_t used = kInnerHeader + static_cast<std::size_t>(length);
  const bool key_ok = crypto::equal_ct(v1_msg_key(std::span(plain).first(used)), msg_key);
  if (!key_ok) {
    crypto::secure_wipe(plain);
    throw ProtocolError(Refusal::bad_msg_key, "bind message msg_key does not match its plaintext");
  }
  if (load_le<std::int64_t>(plain.data() + 16) != msg_id) {
    throw ProtocolError(Refusal::bad_msg_id, "bind message carries another msg_id than its request");
  }
  if (load_le<std::int32_t>(plain.data() + 24) != 0) {
    throw ProtocolError(Refusal::malformed, "bind message seq_no is not 0");
  }
  const auto obj = detail::read_one_object(std::span(plain).subspan(kInnerHeader, static_cast<std::size_t>(length)),
                                           "bind message");
  const auto* inner = dynamic_cast<const tl::mt::bind_auth_key_inner*>(obj.get());
  if (inner == nullptr) {
    throw ProtocolError(Refusal::malformed, "bind message holds " + std::string(obj->tl_name()) +
                                                ", not bind_auth_key_inner");
  }
  return {inner->nonce, inner->temp_auth_key_id, inner->perm_auth_key_id, inner->temp_session_id, inner->expires_at};
}

BindAuthKeyInner verify_bind_request(const BindRequest& request, const AuthKey& perm_key, std::int64_t msg_id,
                                     std::uint64_t temp_key_id, std::int64_t temp_session_id) {
  if (static_cast<std::uint64_t>(request.perm_auth_key_id) != perm_key.id) {
    throw ProtocolError(Refusal::bad_auth_key_id, "auth.bindTempAuthKey names another permanent key");
  }
  const BindAuthKeyInner inner = decrypt_bind_message(perm_key, msg_id, request.encrypted_message);
  if (inner.perm_auth_key_id != request.perm_auth_key_id) {
    throw ProtocolError(Refusal::bad_auth_key_id, "bind message names another permanent key than its request");
  }
  if (inner.nonce != request.nonce) throw ProtocolError(Refusal::bad_nonce, "bind message nonce differs from its request's");
  if (inner.expires_at != request.expires_at) {
    throw ProtocolError(Refusal::malformed, "bind message expires_at differs from its request's");
  }
  if (static_cast<std::uint64_t>(inner.temp_auth_key_id) != temp_key_id) {
    throw ProtocolError(Refusal::bad_auth_key_id, "bind message is for another temporary key than the one it came on");
  }
  if (inner.temp_session_id != temp_session_id) {
    throw ProtocolError(Refusal::bad_session_id, "bind message is for another session than the one it came on");
  }
  return inner;
}

}  // namespace mtpipe::mtproto::handshake
