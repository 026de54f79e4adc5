// Crypto throughput, each measurement beside its physical references taken in the same run:
//   memcpy of the same bytes            - the floor: touching the memory at all
//   AES-256 block chain                 - n/16 single-block encryptions, each fed the previous output, i.e. the
//                                         serial dependency IGE has; the ceiling for any IGE implementation
//   IGE encrypt/decrypt                 - the mode alone, key schedule done once
//   "AES-IGE + msg_key" (MessageEncrypt)- one MTProto 2.0 message: msg_key_large (SHA256 over the plaintext),
//                                         kdf_v2, a fresh key schedule and IGE encryption
//   MessageDecrypt                      - the receiver: kdf_v2, IGE decryption, msg_key recomputed and compared
// for 256-byte and 64 KiB payloads, on the AES-NI and on the EVP (OpenSSL ECB per block) paths.
#include <benchmark/benchmark.h>

#include <array>
#include <cstring>
#include <vector>

#include "crypto/aes.h"
#include "crypto/bytes.h"
#include "crypto/message_key.h"
#include "crypto/random.h"
#include "crypto/sha.h"

namespace {

using mtpipe::crypto::Aes256;
using mtpipe::crypto::AesIge;
using mtpipe::crypto::AesImpl;
using mtpipe::crypto::MsgDirection;

std::vector<std::uint8_t> random_vector(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  mtpipe::crypto::random_bytes(v);
  return v;
}

bool skip_if_unsupported(benchmark::State& state, AesImpl impl) {
  if (impl == AesImpl::kAesNi && !mtpipe::crypto::aesni_supported()) {
    state.SkipWithError("CPU without AES-NI");
    return true;
  }
  return false;
}

void set_bytes(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Memcpy(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto src = random_vector(n);
  std::vector<std::uint8_t> dst(n);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), n);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}

void BM_AesBlockChain(benchmark::State& state, AesImpl impl) {
  if (skip_if_unsupported(state, impl)) return;
  const std::size_t blocks = static_cast<std::size_t>(state.range(0)) / 16;
  Aes256 aes(random_vector(32), impl);
  std::array<std::uint8_t, 16> block{};
  for (auto _ : state) {
    for (std::size_t i = 0; i < blocks; ++i) aes.encrypt_block(block, block);
    benchmark::DoNotOptimize(block);
  }
  set_bytes(state);
}

void BM_IgeEncrypt(benchmark::State& state, AesImpl impl) {
  if (skip_if_unsupported(state, impl)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  AesIge ige(random_vector(32), impl);
  const auto iv = random_vector(32);
  const auto in = random_vector(n);
  std::vector<std::uint8_t> out(n);
  for (auto _ : state) {
    ige.encrypt(iv, in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}

void BM_IgeDecrypt(benchmark::State& state, AesImpl impl) {
  if (skip_if_unsupported(state, impl)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  AesIge ige(random_vector(32), impl);
  const auto iv = random_vector(32);
  const auto in = random_vector(n);
  std::vector<std::uint8_t> out(n);
  for (auto _ : state) {
    ige.decrypt(iv, in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}

void BM_MsgKeyLarge(benchmark::State& state) {
  const auto auth_key = random_vector(256);
  const auto plaintext = random_vector(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto key = mtpipe::crypto::msg_key_large(auth_key, MsgDirection::kClientToServer, plaintext);
    benchmark::DoNotOptimize(key);
  }
  set_bytes(state);
}

// "AES-IGE + msg_key": everything a sender does to one MTProto 2.0 message.
void BM_MessageEncrypt(benchmark::State& state, AesImpl impl) {
  if (skip_if_unsupported(state, impl)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto auth_key = random_vector(256);
  const auto plaintext = random_vector(n);
  std::vector<std::uint8_t> out(n);
  for (auto _ : state) {
    const auto mk = mtpipe::crypto::msg_key(auth_key, MsgDirection::kClientToServer, plaintext);
    const auto kiv = mtpipe::crypto::kdf_v2(auth_key, mk, MsgDirection::kClientToServer);
    AesIge(kiv.key, impl).encrypt(kiv.iv, plaintext, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}

void BM_MessageDecrypt(benchmark::State& state, AesImpl impl) {
  if (skip_if_unsupported(state, impl)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto auth_key = random_vector(256);
  const auto plaintext = random_vector(n);
  const auto mk = mtpipe::crypto::msg_key(auth_key, MsgDirection::kClientToServer, plaintext);
  const auto kiv = mtpipe::crypto::kdf_v2(auth_key, mk, MsgDirection::kClientToServer);
  std::vector<std::uint8_t> wire(n), out(n);
  AesIge(kiv.key, impl).encrypt(kiv.iv, plaintext, wire);
  for (auto _ : state) {
    const auto k = mtpipe::crypto::kdf_v2(auth_key, mk, MsgDirection::kClientToServer);
    AesIge(k.key, impl).decrypt(k.iv, wire, out);
    const auto check = mtpipe::crypto::msg_key(auth_key, MsgDirection::kClientToServer, out);
    if (!mtpipe::crypto::equal_ct(check, mk)) state.SkipWithError("msg_key mismatch");
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}

#define SIZES Arg(256)->Arg(64 * 1024)

BENCHMARK(BM_Memcpy)->SIZES;
BENCHMARK_CAPTURE(BM_AesBlockChain, aesni, AesImpl::kAesNi)->SIZES;
BENCHMARK_CAPTURE(BM_AesBlockChain, evp, AesImpl::kEvp)->SIZES;
BENCHMARK_CAPTURE(BM_IgeEncrypt, aesni, AesImpl::kAesNi)->SIZES;
BENCHMARK_CAPTURE(BM_IgeEncrypt, evp, AesImpl::kEvp)->SIZES;
BENCHMARK_CAPTURE(BM_IgeDecrypt, aesni, AesImpl::kAesNi)->SIZES;
BENCHMARK_CAPTURE(BM_IgeDecrypt, evp, AesImpl::kEvp)->SIZES;
BENCHMARK(BM_MsgKeyLarge)->SIZES;
BENCHMARK_CAPTURE(BM_MessageEncrypt, aesni, AesImpl::kAesNi)->SIZES;
BENCHMARK_CAPTURE(BM_MessageEncrypt, evp, AesImpl::kEvp)->SIZES;
BENCHMARK_CAPTURE(BM_MessageDecrypt, aesni, AesImpl::kAesNi)->SIZES;
BENCHMARK_CAPTURE(BM_MessageDecrypt, evp, AesImpl::kEvp)->SIZES;

}  // namespace

BENCHMARK_MAIN();
