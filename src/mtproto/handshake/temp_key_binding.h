#pragma once
// Binding a temporary (PFS) key to a permanent one with auth.bindTempAuthKey (core.telegram.org/api/pfs,
// method/auth.bindTempAuthKey, protocol.md §5). The request's encrypted_message is bind_auth_key_inner
// encrypted MTProto 1.0-style with the *permanent* key, so only the owner of the permanent key can bind;
// it carries the request's own msg_id and the temp session so it cannot be replayed elsewhere.
// Plain structs here rather than the generated TL types, to keep the 2 MB schema header out of includers.

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "mtproto/auth_key.h"

namespace mtpipe::mtproto::handshake {

// bind_auth_key_inner#75a3f765
struct BindAuthKeyInner {
  std::int64_t nonce = 0;
  std::int64_t temp_auth_key_id = 0;
  std::int64_t perm_auth_key_id = 0;
  std::int64_t temp_session_id = 0;
  std::int32_t expires_at = 0;
};

// The arguments of auth.bindTempAuthKey#cdd42a05.
struct BindRequest {
  std::int64_t perm_auth_key_id = 0;
  std::int64_t nonce = 0;
  std::int32_t expires_at = 0;
  std::vector<std::uint8_t> encrypted_message;
};

// Client: encrypted_message for `inner`: perm_auth_key_id | msg_key | AES-256-IGE(random:int128 | msg_id |
// seq_no 0 | length 40 | inner | padding), msg_key being the SHA1-based one of MTProto 1.0. `msg_id` must be
// the msg_id the auth.bindTempAuthKey request itself is sent with.
std::vector<std::uint8_t> encrypt_bind_message(const AuthKey& perm_key, std::int64_t msg_id,
                                               const BindAuthKeyInner& inner, crypto::Rng& rng);

// Client: the whole request, with a random nonce, binding `temp_key` (used in session `temp_session_id`) to
// `perm_key` until `expires_at` (unix time).
BindRequest make_bind_request(const AuthKey& perm_key, const AuthKey& temp_key, std::int64_t temp_session_id,
                              std::int32_t expires_at, std::int64_t msg_id, crypto::Rng& rng);

// Server: decrypts encrypted_message with the permanent key and checks its envelope: the key id is the
// permanent key's, msg_key matches, msg_id is the request's, seq_no is 0, the length is that of
// bind_auth_key_inner with at most 15 bytes of padding. Throws ProtocolError (bad_auth_key_id, bad_msg_key,
// bad_msg_id, bad_length, malformed). The caller maps any of them to ENCRYPTED_MESSAGE_INVALID.
BindAuthKeyInner decrypt_bind_message(const AuthKey& perm_key, std::int64_t msg_id,
                                      std::span<const std::uint8_t> encrypted_message);

// Server: everything auth.bindTempAuthKey must check about the request that arrived with `msg_id` on the
// temporary key `temp_key_id` in session `temp_session_id`, `perm_key` being the key named by
// request.perm_auth_key_id: the envelope above, then that the inner copy of perm_auth_key_id, nonce and
// expires_at equals the request's (bad_auth_key_id, bad_nonce, malformed) and that the temp key and session
// are the ones the request came on (bad_auth_key_id, bad_session_id). Policy checks (expires_at in the
// future, an already bound key) are the caller's.
BindAuthKeyInner verify_bind_request(const BindRequest& request, const AuthKey& perm_key, std::int64_t msg_id,
                                     std::uint64_t temp_key_id, std::int64_t temp_session_id);

}  // namespace mtpipe::mtproto::handshake
