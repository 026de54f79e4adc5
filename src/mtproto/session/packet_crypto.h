#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/message_key.h"
#include "crypto/random.h"
#include "mtproto/auth_key.h"

namespace mtpipe::mtproto::session {

// The inner header of an encrypted message: salt | session_id | msg_id | seq_no | message_data_length.
struct MessageHeader {
  std::int64_t salt = 0;
  std::int64_t session_id = 0;
  std::int64_t msg_id = 0;
  std::int32_t seq_no = 0;
};

inline constexpr std::size_t kEncryptedHeaderSize = 24;  // auth_key_id + msg_key
inline constexpr std::size_t kInnerHeaderSize = 32;      // salt + session_id + msg_id + seq_no + length

// Encrypts one message (MTProto 2.0) into `out` (cleared first): auth_key_id | msg_key | AES-256-IGE data.
// The random padding is 12..27 bytes plus a random multiple of 16 up to `max_extra_blocks` blocks, so lengths
// do not leak the exact body size. Returns msg_key_large, whose first 4 bytes make the quick-ack token.
std::array<std::uint8_t, 32> seal(const AuthKey& key, crypto::MsgDirection direction, const MessageHeader& header,
                                  std::span<const std::uint8_t> body, crypto::Rng& rng, std::vector<std::uint8_t>& out,
                                  unsigned max_extra_blocks = 0);

// Encrypts a whole plaintext as it is (inner header, body and padding, whole AES blocks) into `out`, with the
// msg_key it has: seal() without building the plaintext, for tests and fuzzers that hand-make the fields a
// receiver must check.
std::array<std::uint8_t, 32> seal_plaintext(const AuthKey& key, crypto::MsgDirection direction,
                                            std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out);

// A decrypted message. `body` points into the plaintext buffer passed to open().
struct Opened {
  MessageHeader header;
  std::span<const std::uint8_t> body;
  std::array<std::uint8_t, 32> msg_key_large{};
};

// Decrypts and checks one encrypted packet against `key` (security_guidelines): auth_key_id is ours, length a
// multiple of 16, msg_key recomputed over the whole plaintext (always, even when an earlier check failed, so
// every failure costs the same), message_data_length within the plaintext, divisible by 4, with 12..1024
// bytes of padding. Throws ProtocolError (bad_packet_size, bad_auth_key_id, bad_msg_key, bad_length,
// bad_padding).
// `plaintext` is the caller's reusable buffer.
Opened open(const AuthKey& key, crypto::MsgDirection direction, std::span<const std::uint8_t> packet,
            std::vector<std::uint8_t>& plaintext);

// The auth_key_id a packet is addressed to (the first 8 bytes), or 0 when it is shorter.
std::uint64_t packet_auth_key_id(std::span<const std::uint8_t> packet) noexcept;

}  // namespace mtpipe::mtproto::session
