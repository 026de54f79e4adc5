#pragma once
// Internal: the range check of DH values on BIGNUMs, shared by dh_*.cpp and srp.cpp.

#include <openssl/bn.h>

namespace mtpipe::crypto::detail {

// nullptr if 1 < x < p-1 and 2^(2048-64) <= x <= p - 2^(2048-64) (p must be 2048-bit); else what is wrong.
const char* dh_value_problem(const BIGNUM* x, const BIGNUM* p);

// base^exp mod p in constant time (exp is a secret); p must be odd.
void mod_exp_secret(BIGNUM* r, const BIGNUM* base, const BIGNUM* exp, const BIGNUM* p, BN_CTX* ctx);

}  // namespace mtpipe::crypto::detail
