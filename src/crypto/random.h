#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/error.h"

namespace mtpipe::crypto {

// Fills `out` from OpenSSL's CSPRNG. Throws Error if the generator is not seeded: never fall back to weak bytes.
void random_bytes(std::span<std::uint8_t> out);
std::uint64_t random_u64();

// Source of randomness for protocol steps (nonces, padding, DH exponents, temp keys). Steps take an Rng& instead
// of calling random_bytes directly so tests can replay the exact random values of published examples.
class Rng {
 public:
  virtual ~Rng() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

// The production implementation: stateless, thread-safe, backed by random_bytes.
class OpenSslRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override { random_bytes(out); }
};

// The process-wide generator for callers that have no reason to inject their own: OpenSSL's CSPRNG, drawn in
// 4 KiB batches into a per-thread buffer (thread-safe; a fork invalidates the buffers).
Rng& system_rng() noexcept;

// Test implementation: hands out a fixed script of bytes in order. Running out of script throws Error, which
// makes a test fail loudly if the code under test consumes randomness the example did not provide.
class ReplayRng final : public Rng {
 public:
  explicit ReplayRng(std::vector<std::uint8_t> script) : script_(std::move(script)) {}
  void fill(std::span<std::uint8_t> out) override;
  std::size_t remaining() const noexcept { return script_.size() - pos_; }

 private:
  std::vector<std::uint8_t> script_;
  std::size_t pos_ = 0;
};

}  // namespace mtpipe::crypto
