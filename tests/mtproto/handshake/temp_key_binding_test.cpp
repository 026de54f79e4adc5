// auth.bindTempAuthKey's encrypted_message: the client's build and the server's check agree, and any change to
// the message, or a request that does not match it, is refused.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "crypto/aes_ige.h"
#include "crypto/message_key.h"
#include "crypto/sha.h"
#include "mtproto/handshake/temp_key_binding.h"
#include "test_support.h"

namespace mtpipe::mtproto::handshake::test {
namespace {

AuthKey key_from_seed(std::uint64_t seed) {
  return handshake_with_seed(seed).client.key;
}

struct Binding {
  Binding() : perm(key_from_seed(60)), temp(handshake_with_seed(61, 3600).client.key) {
    request = make_bind_request(perm, temp, kSession, kExpires, kMsgId, rng);
  }
  static constexpr std::int64_t kSession = 0x1122334455667788;
  static constexpr std::int32_t kExpires = 1'700'003'600;
  static constexpr std::int64_t kMsgId = (std::int64_t{1'700'000'000} << 32) | 0x1234'5678;
  SeededRng rng{62};
  AuthKey perm;
  AuthKey temp;
  BindRequest request;

  BindAuthKeyInner verify(const BindRequest& r) const { return verify_bind_request(r, perm, kMsgId, temp.id, kSession); }
};

Refusal refusal_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ProtocolError& e) {
    return e.refusal();
  }
  ADD_FAILURE() << "accepted";
  return Refusal::handshake_timeout;
}

TEST(TempKeyBinding, RoundTrip) {
  const Binding b;
  EXPECT_EQ(b.request.perm_auth_key_id, static_cast<std::int64_t>(b.perm.id));
  EXPECT_EQ(b.request.expires_at, Binding::kExpires);
  // perm_auth_key_id | msg_key | 32-byte header + 40-byte object padded to 80.
  EXPECT_EQ(b.request.encrypted_message.size(), 8u + 16u + 80u);
  const BindAuthKeyInner inner = b.verify(b.request);
  EXPECT_EQ(inner.nonce, b.request.nonce);
  EXPECT_EQ(inner.temp_auth_key_id, static_cast<std::int64_t>(b.temp.id));
  EXPECT_EQ(inner.perm_auth_key_id, static_cast<std::int64_t>(b.perm.id));
  EXPECT_EQ(inner.temp_session_id, Binding::kSession);
  EXPECT_EQ(inner.expires_at, Binding::kExpires);
}

TEST(TempKeyBinding, LayoutIsMtproto1WithTheRequestMsgId) {
  // Decrypt by hand with the v1 KDF: msg_key is SHA1 of the unpadded plaintext, bytes 4..20.
  const Binding b;
  const auto& m = b.request.encrypted_message;
  const std::span<const std::uint8_t> msg_key(m.data() + 8, 16);
  const auto kv = crypto::kdf_v1(b.perm.bytes, msg_key, crypto::MsgDirection::kClientToServer);
  std::vector<std::uint8_t> plain(m.size() - 24);
  crypto::AesIge(kv.key).decrypt(kv.iv, std::span(m).subspan(24), plain);
  std::int64_t msg_id = 0;
  std::memcpy(&msg_id, plain.data() + 16, 8);
  EXPECT_EQ(msg_id, Binding::kMsgId);
  std::int32_t seq_no = -1, length = 0;
  std::memcpy(&seq_no, plain.data() + 24, 4);
  std::memcpy(&length, plain.data() + 28, 4);
  EXPECT_EQ(seq_no, 0);
  EXPECT_EQ(length, 40);
  const auto h = crypto::sha1(std::span(plain).first(72));
  EXPECT_TRUE(std::equal(h.begin() + 4, h.end(), msg_key.begin()));
  std::uint32_t id = 0;
  std::memcpy(&id, plain.data() + 32, 4);
  EXPECT_EQ(id, 0x75a3f765u);
}

TEST(TempKeyBinding, EveryFlippedByteIsRefused) {
  const Binding b;
  for (std::size_t i = 0; i < b.request.encrypted_message.size(); ++i) {
    BindRequest r = b.request;
    r.encrypted_message[i] ^= 0x01;
    const Refusal got = refusal_of([&] { b.verify(r); });
    if (i < 8) EXPECT_EQ(got, Refusal::bad_auth_key_id) << i;
    else EXPECT_TRUE(got == Refusal::bad_msg_key || got == Refusal::bad_length) << i << " " << to_string(got);
  }
}

TEST(TempKeyBinding, TruncatedOrExtendedIsRefused) {
  const Binding b;
  for (const std::size_t size : {0u, 23u, 56u, 88u, 103u, 105u, 120u}) {
    BindRequest r = b.request;
    r.encrypted_message.resize(size);
    EXPECT_NE(refusal_of([&] { b.verify(r); }), Refusal::handshake_timeout) << size;
  }
}

TEST(TempKeyBinding, RequestMustMatchItsMessage) {
  const Binding b;
  {
    BindRequest r = b.request;
    r.nonce ^= 1;
    EXPECT_EQ(refusal_of([&] { b.verify(r); }), Refusal::bad_nonce);
  }
  {
    BindRequest r = b.request;
    r.expires_at += 1;
    EXPECT_EQ(refusal_of([&] { b.verify(r); }), Refusal::malformed);
  }
  {
    BindRequest r = b.request;
    r.perm_auth_key_id ^= 1;
    EXPECT_EQ(refusal_of([&] { b.verify(r); }), Refusal::bad_auth_key_id);
  }
}

TEST(TempKeyBinding, MessageIsBoundToItsMsgIdTempKeyAndSession) {
  const Binding b;
  EXPECT_EQ(refusal_of([&] { verify_bind_request(b.request, b.perm, Binding::kMsgId + 4, b.temp.id, Binding::kSession); }),
            Refusal::bad_msg_id);
  EXPECT_EQ(refusal_of([&] { verify_bind_request(b.request, b.perm, Binding::kMsgId, b.temp.id ^ 1, Binding::kSession); }),
            Refusal::bad_auth_key_id);
  EXPECT_EQ(refusal_of([&] { verify_bind_request(b.request, b.perm, Binding::kMsgId, b.temp.id, Binding::kSession + 1); }),
            Refusal::bad_session_id);
}

TEST(TempKeyBinding, OnlyThePermanentKeyDecrypts) {
  const Binding b;
  // The temp key (or any other) cannot stand in for the permanent one, even under the permanent key's id.
  AuthKey impostor = b.temp;
  impostor.id = b.perm.id;
  // Decrypted with the wrong key the length field is noise: caught by it or by msg_key.
  const Refusal got = refusal_of([&] { decrypt_bind_message(impostor, Binding::kMsgId, b.request.encrypted_message); });
  EXPECT_TRUE(got == Refusal::bad_msg_key || got == Refusal::bad_length) << to_string(got);
  EXPECT_EQ(refusal_of([&] { decrypt_bind_message(b.temp, Binding::kMsgId, b.request.encrypted_message); }),
            Refusal::bad_auth_key_id);
}

// An independently written MTProto 1.0 encryption, so the checks behind msg_key can be reached with contents
// the library itself would never produce.
std::vector<std::uint8_t> seal_v1(const AuthKey& key, std::int64_t msg_id, std::int32_t seq_no,
                                  std::vector<std::uint8_t> body, std::size_t extra_padding = 0) {
  std::vector<std::uint8_t> plain(16, 0x77);
  for (int i = 0; i < 8; ++i) plain.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(msg_id) >> (8 * i)));
  for (int i = 0; i < 4; ++i) plain.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(seq_no) >> (8 * i)));
  for (int i = 0; i < 4; ++i) plain.push_back(static_cast<std::uint8_t>(body.size() >> (8 * i)));
  plain.insert(plain.end(), body.begin(), body.end());
  const auto h = crypto::sha1(plain);
  const std::vector<std::uint8_t> msg_key(h.begin() + 4, h.end());
  plain.resize((plain.size() + 15) / 16 * 16 + extra_padding, 0x33);
  const auto kv = crypto::kdf_v1(key.bytes, msg_key, crypto::MsgDirection::kClientToServer);
  std::vector<std::uint8_t> out(24 + plain.size());
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.id >> (8 * i));
  std::copy(msg_key.begin(), msg_key.end(), out.begin() + 8);
  crypto::AesIge(kv.key).encrypt(kv.iv, plain, std::span(out).subspan(24));
  return out;
}

std::vector<std::uint8_t> inner_bytes(std::uint32_t id = 0x75a3f765u) {
  std::vector<std::uint8_t> b(40, 0);
  std::memcpy(b.data(), &id, 4);
  return b;
}

TEST(TempKeyBinding, ChecksBehindTheMsgKey) {
  const Binding b;
  const auto k = Binding::kMsgId;
  // The independent encryption is accepted as such...
  EXPECT_NO_THROW(decrypt_bind_message(b.perm, k, seal_v1(b.perm, k, 0, inner_bytes())));
  // ...but not with seq_no 1, another object, a length that is not the object's, or 16+ bytes of padding.
  EXPECT_EQ(refusal_of([&] { decrypt_bind_message(b.perm, k, seal_v1(b.perm, k, 1, inner_bytes())); }),
            Refusal::malformed);
  EXPECT_EQ(refusal_of([&] { decrypt_bind_message(b.perm, k, seal_v1(b.perm, k, 0, inner_bytes(0x12345678))); }),
            Refusal::malformed);
  auto longer = inner_bytes();
  longer.resize(44);
  EXPECT_EQ(refusal_of([&] { decrypt_bind_message(b.perm, k, seal_v1(b.perm, k, 0, longer)); }), Refusal::malformed);
  EXPECT_EQ(refusal_of([&] { decrypt_bind_message(b.perm, k, seal_v1(b.perm, k, 0, inner_bytes(), 16)); }),
            Refusal::bad_length);
}

}  // namespace
}  // namespace mtpipe::mtproto::handshake::test
