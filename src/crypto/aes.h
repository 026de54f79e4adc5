#pragma once
// Everything AES that MTProto needs: the single-block AES-256 primitive, IGE (message and handshake
// encryption) and CTR (transport obfuscation).

#include "crypto/aes_block.h"
#include "crypto/aes_ctr.h"
#include "crypto/aes_ige.h"
