#include "mtproto/session/packet_crypto.h"

#include <cstring>

#include "crypto/aes.h"
#include "crypto/bytes.h"
#include "mtproto/byte_order.h"
#include "mtproto/error.h"

namespace mtpipe::mtproto::session {
namespace {

// `out` holds kEncryptedHeaderSize bytes of room and then the plaintext: writes auth_key_id and the plaintext's
// msg_key into the room and encrypts the plaintext in place.
std::array<std::uint8_t, 32> encrypt_in_place(const AuthKey& key, crypto::MsgDirection direction,
                                              std::vector<std::uint8_t>& out) {
  const std::span<std::uint8_t> plain = std::span(out).subspan(kEncryptedHeaderSize);
  const auto large = crypto::msg_key_large(key.bytes, direction, plain);
  const std::span<const std::uint8_t> msg_key(large.data() + 8, 16);
  const auto kiv = crypto::kdf_v2(key.bytes, msg_key, direction);
  store_le(out.data(), key.id);
  std::memcpy(out.data() + 8, msg_key.data(), 16);
  crypto::AesIge(kiv.key).encrypt(kiv.iv, plain, plain);
  return large;
}

}  // namespace

std::uint64_t packet_auth_key_id(std::span<const std::uint8_t> packet) noexcept {
  return packet.size() < 8 ? 0 : load_le<std::uint64_t>(packet.data());
}

std::array<std::uint8_t, 32> seal(const AuthKey& key, crypto::MsgDirection direction, const MessageHeader& header,
                                  std::span<const std::uint8_t> body, crypto::Rng& rng, std::vector<std::uint8_t>& out,
                                  unsigned max_extra_blocks) {
  const std::size_t unpadded = kInnerHeaderSize + body.size();
  // 12..27 bytes bring the length to a multiple of 16 with at least 12 bytes of padding.
  std::size_t padding = 12 + (16 - (unpadded + 12) % 16) % 16;
  std::uint8_t random[2];
  rng.fill(random);
  if (max_extra_blocks > 0) padding += 16 * (random[0] % (max_extra_blocks + 1));
  const std::size_t plain_size = unpadded + padding;

  out.resize(kEncryptedHeaderSize + plain_size);
  std::uint8_t* plain = out.data() + kEncryptedHeaderSize;
  store_le(plain, header.salt);
  store_le(plain + 8, header.session_id);
  store_le(plain + 16, header.msg_id);
  store_le(plain + 24, header.seq_no);
  store_le(plain + 28, static_cast<std::uint32_t>(body.size()));
  if (!body.empty()) std::memcpy(plain + kInnerHeaderSize, body.data(), body.size());
  rng.fill({plain + unpadded, padding});
  return encrypt_in_place(key, direction, out);
}

std::array<std::uint8_t, 32> seal_plaintext(const AuthKey& key, crypto::MsgDirection direction,
                                            std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out) {
  out.resize(kEncryptedHeaderSize + plaintext.size());
  if (!plaintext.empty()) std::memcpy(out.data() + kEncryptedHeaderSize, plaintext.data(), plaintext.size());
  return encrypt_in_place(key, direction, out);
}

Opened open(const AuthKey& key, crypto::MsgDirection direction, std::span<const std::uint8_t> packet,
            std::vector<std::uint8_t>& plaintext) {
  if (packet.size() < kEncryptedHeaderSize + kInnerHeaderSize + 16)
    throw ProtocolError(Refusal::bad_packet_size, "encrypted packet of " + std::to_string(packet.size()) +
                                                 " bytes is shorter than the smallest message");
  if (packet_auth_key_id(packet) != key.id)
    throw ProtocolError(Refusal::bad_auth_key_id, "packet is addressed to an auth key that is not this session's");
  const auto cipher = packet.subspan(kEncryptedHeaderSize);
  if (cipher.size() % 16 != 0)
    throw ProtocolError(Refusal::bad_packet_size, "encrypted data of " + std::to_string(cipher.size()) +
                                                 " bytes is not a multiple of 16");
  const std::span<const std::uint8_t> msg_key = packet.subspan(8, 16);
  const auto kiv = crypto::kdf_v2(key.bytes, msg_key, direction);
  plaintext.resize(cipher.size());
  crypto::AesIge(kiv.key).decrypt(kiv.iv, cipher, plaintext);

  // Recompute msg_key before looking at any field, and whatever the fields say.
  const auto large = crypto::msg_key_large(key.bytes, direction, plaintext);
  const bool key_ok = crypto::equal_ct({large.data() + 8, 16}, msg_key);
  const auto length = static_cast<std::int64_t>(load_le<std::int32_t>(plaintext.data() + 28));
  const std::int64_t padding =
      static_cast<std::int64_t>(plaintext.size()) - static_cast<std::int64_t>(kInnerHeaderSize) - length;
  // Whole words within the plaintext; then 12..1024 bytes of padding (both divisible by 4, as the plaintext is
  // whole AES blocks).
  const bool length_ok = length >= 0 && length % 4 == 0 && padding >= 0;
  const bool padding_ok = padding >= 12 && padding <= 1024;
  if (!key_ok) throw ProtocolError(Refusal::bad_msg_key, "msg_key does not match the decrypted message");
  if (!length_ok)
    throw ProtocolError(Refusal::bad_length, "message_data_length " + std::to_string(length) + " in a plaintext of " +
                                                 std::to_string(plaintext.size()) + " bytes");
  if (!padding_ok)
    throw ProtocolError(Refusal::bad_padding, "message_data_length " + std::to_string(length) + " leaves " +
                                                  std::to_string(padding) + " bytes of padding (12..1024 allowed)");
  Opened o;
  o.header.salt = load_le<std::int64_t>(plaintext.data());
  o.header.session_id = load_le<std::int64_t>(plaintext.data() + 8);
  o.header.msg_id = load_le<std::int64_t>(plaintext.data() + 16);
  o.header.seq_no = load_le<std::int32_t>(plaintext.data() + 24);
  o.body = std::span<const std::uint8_t>(plaintext).subspan(kInnerHeaderSize, static_cast<std::size_t>(length));
  o.msg_key_large = large;
  return o;
}

}  // namespace mtpipe::mtproto::session
