#include "crypto/pbkdf2.h"

#include <openssl/evp.h>

#include <climits>

#include "crypto/openssl_util.h"
#include "crypto/sha.h"

namespace mtpipe::crypto {

std::array<std::uint8_t, 64> pbkdf2_hmac_sha512(std::span<const std::uint8_t> password,
                                                std::span<const std::uint8_t> salt, std::uint32_t iterations) {
  if (iterations == 0 || iterations > INT_MAX) throw Error("pbkdf2: iteration count out of range");
  if (password.size() > INT_MAX || salt.size() > INT_MAX) throw Error("pbkdf2: input too long");
  std::array<std::uint8_t, 64> out{};
  // OpenSSL reads nothing through a null pointer when the length is 0, but be explicit about empty inputs.
  static const std::uint8_t kEmpty = 0;
  const auto* pass = password.empty() ? &kEmpty : password.data();
  const auto* s = salt.empty() ? &kEmpty : salt.data();
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(pass), static_cast<int>(password.size()), s,
                        static_cast<int>(salt.size()), static_cast<int>(iterations), detail::sha512_md(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    detail::throw_openssl("PKCS5_PBKDF2_HMAC");
  }
  return out;
}

}  // namespace mtpipe::crypto
