#pragma once

#include <string>

#include "crypto/rsa.h"

namespace mtpipe::sim {

// The sim's RSA key: read from `path` when it exists, otherwise generated and written there (mode 0600,
// atomically). A generated key always has a fingerprint whose top hex digit is not zero: mtcute 0.28 cannot
// find a key whose fingerprint starts with a zero nibble (peers.md §3.3). An empty path generates a key for
// this run only. Throws std::runtime_error naming the file on any failure.
crypto::RsaPrivateKey load_or_create_rsa_key(const std::string& path);

// A fresh 2048-bit key that every peer can find by fingerprint.
crypto::RsaPrivateKey generate_peer_friendly_key();

}  // namespace mtpipe::sim
