#pragma once

#include <stdexcept>

namespace mtpipe::crypto {

// The one exception type of the crypto layer. A failed check (bad DH value, wrong hash, malformed key) and an
// OpenSSL failure both land here, so protocol code can catch "the peer's data is unacceptable" in one place.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mtpipe::crypto
