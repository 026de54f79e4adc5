// AES-256 with the AES-NI instructions. Every function that touches an intrinsic carries the target attribute
// instead of compiling this file with -maes: that keeps AES/SSE4.1 instructions out of any inline function the
// linker might share with other translation units, so the binary still runs on CPUs without AES-NI.
#include "crypto/aes_ni.h"

#include <immintrin.h>
#include <wmmintrin.h>

#define MTPIPE_AESNI __attribute__((target("aes,sse4.1")))
#define MTPIPE_AESNI_INLINE __attribute__((target("aes,sse4.1"), always_inline)) inline

namespace mtpipe::crypto::detail {

namespace {

MTPIPE_AESNI_INLINE __m128i load(const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
MTPIPE_AESNI_INLINE void store(std::uint8_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }

// w0 ^= 0, w1 ^= w0, w2 ^= w0^w1, w3 ^= w0^w1^w2: the running XOR of the FIPS-197 key expansion
// (w[i] = w[i-8] ^ temp, each word depending on the one before it) done for a whole 4-word round key.
MTPIPE_AESNI_INLINE __m128i running_xor(__m128i k) {
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  return _mm_xor_si128(k, _mm_slli_si128(k, 4));
}

// Round key 2i from keys 2i-2 and 2i-1: temp = SubWord(RotWord(last word)) ^ Rcon. AESKEYGENASSIST puts
// exactly that value of the prev key's word 3 into its own word 3; broadcast it to all four words.
template <int Rcon>
MTPIPE_AESNI_INLINE __m128i even_round_key(__m128i two_back, __m128i prev) {
  const __m128i t = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(prev, Rcon), 0xff);
  return _mm_xor_si128(running_xor(two_back), t);
}

// Round key 2i+1: AES-256 specific step, temp = SubWord(last word) with no rotation and no Rcon; that value
// is in word 2 of AESKEYGENASSIST's result.
MTPIPE_AESNI_INLINE __m128i odd_round_key(__m128i two_back, __m128i prev) {
  const __m128i t = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(prev, 0x00), 0xaa);
  return _mm_xor_si128(running_xor(two_back), t);
}

struct RoundKeys {
  __m128i k[15];
};

MTPIPE_AESNI_INLINE void load_keys(const std::uint8_t (&src)[15][16], RoundKeys& rk) {
  for (int i = 0; i < 15; ++i) rk.k[i] = _mm_load_si128(reinterpret_cast<const __m128i*>(src[i]));
}

MTPIPE_AESNI_INLINE __m128i encrypt(const RoundKeys& rk, __m128i b) {
  b = _mm_xor_si128(b, rk.k[0]);
  for (int i = 1; i < 14; ++i) b = _mm_aesenc_si128(b, rk.k[i]);
  return _mm_aesenclast_si128(b, rk.k[14]);
}

MTPIPE_AESNI_INLINE __m128i decrypt(const RoundKeys& rk, __m128i b) {
  b = _mm_xor_si128(b, rk.k[0]);
  for (int i = 1; i < 14; ++i) b = _mm_aesdec_si128(b, rk.k[i]);
  return _mm_aesdeclast_si128(b, rk.k[14]);
}

}  // namespace

bool cpu_has_aesni() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
}

MTPIPE_AESNI void aesni_expand_key(const std::uint8_t key[32], AesNiSchedule& out) noexcept {
  __m128i k[15];
  k[0] = load(key);
  k[1] = load(key + 16);
  // AESKEYGENASSIST needs Rcon as an immediate, hence the unrolled sequence.
  k[2] = even_round_key<0x01>(k[0], k[1]);
  k[3] = odd_round_key(k[1], k[2]);
  k[4] = even_round_key<0x02>(k[2], k[3]);
  k[5] = odd_round_key(k[3], k[4]);
  k[6] = even_round_key<0x04>(k[4], k[5]);
  k[7] = odd_round_key(k[5], k[6]);
  k[8] = even_round_key<0x08>(k[6], k[7]);
  k[9] = odd_round_key(k[7], k[8]);
  k[10] = even_round_key<0x10>(k[8], k[9]);
  k[11] = odd_round_key(k[9], k[10]);
  k[12] = even_round_key<0x20>(k[10], k[11]);
  k[13] = odd_round_key(k[11], k[12]);
  k[14] = even_round_key<0x40>(k[12], k[13]);
  for (int i = 0; i < 15; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(out.enc[i]), k[i]);
  // Decryption schedule: reversed order, InvMixColumns applied to all but the first and last round key.
  _mm_store_si128(reinterpret_cast<__m128i*>(out.dec[0]), k[14]);
  for (int i = 1; i < 14; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(out.dec[i]), _mm_aesimc_si128(k[14 - i]));
  _mm_store_si128(reinterpret_cast<__m128i*>(out.dec[14]), k[0]);
}

MTPIPE_AESNI void aesni_encrypt_block(const AesNiSchedule& ks, const std::uint8_t in[16],
                                      std::uint8_t out[16]) noexcept {
  RoundKeys rk;
  load_keys(ks.enc, rk);
  store(out, encrypt(rk, load(in)));
}

MTPIPE_AESNI void aesni_decrypt_block(const AesNiSchedule& ks, const std::uint8_t in[16],
                                      std::uint8_t out[16]) noexcept {
  RoundKeys rk;
  load_keys(ks.dec, rk);
  store(out, decrypt(rk, load(in)));
}

// c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}. Each block depends on the previous ciphertext, so IGE encryption cannot be
// pipelined; the win over the EVP path is keeping the round keys in registers for the whole chain.
MTPIPE_AESNI void aesni_ige_encrypt(const AesNiSchedule& ks, const std::uint8_t iv[32], const std::uint8_t* in,
                                    std::uint8_t* out, std::size_t blocks) noexcept {
  RoundKeys rk;
  load_keys(ks.enc, rk);
  __m128i prev_c = load(iv);
  __m128i prev_p = load(iv + 16);
  for (std::size_t i = 0; i < blocks; ++i) {
    const __m128i p = load(in + 16 * i);  // read before writing: in may equal out
    const __m128i c = _mm_xor_si128(encrypt(rk, _mm_xor_si128(p, prev_c)), prev_p);
    store(out + 16 * i, c);
    prev_c = c;
    prev_p = p;
  }
}

// p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}.
MTPIPE_AESNI void aesni_ige_decrypt(const AesNiSchedule& ks, const std::uint8_t iv[32], const std::uint8_t* in,
                                    std::uint8_t* out, std::size_t blocks) noexcept {
  RoundKeys rk;
  load_keys(ks.dec, rk);
  __m128i prev_c = load(iv);
  __m128i prev_p = load(iv + 16);
  for (std::size_t i = 0; i < blocks; ++i) {
    const __m128i c = load(in + 16 * i);
    const __m128i p = _mm_xor_si128(decrypt(rk, _mm_xor_si128(c, prev_p)), prev_c);
    store(out + 16 * i, p);
    prev_c = c;
    prev_p = p;
  }
}

}  // namespace mtpipe::crypto::detail
