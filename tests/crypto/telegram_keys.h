#pragma once
// Telegram's published server keys, for tests; the PKCS#1 forms live in src/crypto/telegram_keys.h.

#include "crypto/telegram_keys.h"

namespace mtpipe::crypto::test {

using crypto::kProductionKey;
using crypto::kTestDcKey;

// The same key as SubjectPublicKeyInfo.
inline constexpr const char* kProductionKeySpki =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6LszBcC1LGzyr992NzE0\n"
    "ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9k\n"
    "rM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO62cECs5HKhT5DZ98K33vmWiLowc621dQ\n"
    "uwKWSQKjWf50XYFw42h21P2KXUGyp2y/+aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5\n"
    "gpYc397aYp438fsJoHIgJ2lgMv5h7WY9t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRU\n"
    "hebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP\n"
    "8wIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace mtpipe::crypto::test
