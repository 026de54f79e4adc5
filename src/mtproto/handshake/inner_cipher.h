#pragma once
// The symmetric wrapping of server_DH_inner_data and client_DH_inner_data (mtproto/auth_key steps 6 and 7):
// AES-256-IGE under the key/IV derived from new_nonce and server_nonce, over SHA1(data) + data + 0-15 random
// bytes. The receiver learns where data ends only by parsing it, so decryption and parsing go together.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aes_ige.h"
#include "crypto/random.h"
#include "tl/object.h"
#include "tl/types.h"

namespace mtpipe::mtproto::handshake::detail {

// tmp_aes_key/tmp_aes_iv of one handshake, wiped when it goes out of scope.
class TmpAesKey {
 public:
  TmpAesKey(const tl::Int256& new_nonce, const tl::Int128& server_nonce);
  ~TmpAesKey();
  TmpAesKey(const TmpAesKey&) = delete;
  TmpAesKey& operator=(const TmpAesKey&) = delete;
  const crypto::AesKeyIv& get() const noexcept { return key_iv_; }

 private:
  crypto::AesKeyIv key_iv_;
};

// SHA1(data) + data + random bytes up to the next multiple of 16. Separate from the encryption so the server's
// bad_inner_hash fault can corrupt the hash in between.
std::vector<std::uint8_t> with_sha1(std::span<const std::uint8_t> data, crypto::Rng& rng);

// AES-256-IGE of a block built by with_sha1, as the TL `bytes` value that carries it.
std::string ige_encrypt(std::span<const std::uint8_t> with_hash, const crypto::AesKeyIv& key_iv);

// Decrypts, reads one boxed object after the 20-byte hash, and checks that the hash covers exactly that object
// and that at most 15 bytes of padding follow. Throws ProtocolError: malformed (length not a multiple of 16,
// bad TL, too much padding) or bad_hash. `what` names the object in messages.
tl::object_ptr<tl::Object> decrypt_with_sha1(std::string_view encrypted, const crypto::AesKeyIv& key_iv,
                                             std::string_view what);

}  // namespace mtpipe::mtproto::handshake::detail
