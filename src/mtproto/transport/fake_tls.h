#pragma once
// Fake-TLS MTProxy (`ee` secrets), without I/O: the connection looks like TLS 1.3 to the secret's domain.
// Not documented on core.telegram.org; the layout here is the one tdlib, MTProxy and mtprotoproxy agree on:
//   client: a 517-byte ClientHello record (16 03 01 02 00 ...) whose 32-byte random (offset 11) is
//     HMAC-SHA256(key16, hello with the random zeroed), its last 4 bytes XORed with the unix time (LE);
//   server: ServerHello record (16 03 03 ...), change_cipher_spec (14 03 03 00 01 01) and one application-data
//     record of random bytes, whose ServerHello random is HMAC-SHA256(key16, client random + all of that with
//     the random zeroed);
//   then both ways: the obfuscated stream (starting with the client's 64-byte init) cut into application-data
//     records 17 03 03 LEN; a client sends one change_cipher_spec before its first record, as tdlib does.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crypto/random.h"
#include "mtproto/clock.h"
#include "mtproto/transport/mtproxy_secret.h"

namespace mtpipe::mtproto::transport {

inline constexpr std::size_t kTlsRecordPayload = 16384;      // what we put in one record, as real TLS
inline constexpr std::size_t kTlsMaxRecordPayload = 16384 + 2048;  // what we accept (TLS 1.2 ciphertext limit)
inline constexpr std::size_t kClientHelloSize = 517;

// The record layer after the hellos: takes bytes in any fragmentation and hands the payload of each
// application-data record to `sink` as it arrives (no buffering beyond a 5-byte header); change_cipher_spec
// records are skipped. Throws ProtocolError(malformed) for any other record, a bad version or length.
class TlsRecordReader {
 public:
  template <class Sink>
  void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
    while (!bytes.empty()) {
      if (remaining_ == 0) {
        bytes = read_header(bytes);
        continue;
      }
      const std::size_t n = std::min<std::size_t>(remaining_, bytes.size());
      if (!skipping_) sink(bytes.first(n));
      remaining_ -= n;
      bytes = bytes.subspan(n);
    }
  }

 private:
  std::span<const std::uint8_t> read_header(std::span<const std::uint8_t> bytes);

  std::array<std::uint8_t, 5> head_{};
  std::uint8_t head_len_ = 0;
  bool skipping_ = false;
  std::size_t remaining_ = 0;
};

// Cuts out[start..) into application-data records in place (at most kTlsRecordPayload bytes each), after a
// change_cipher_spec record when `with_change_cipher_spec`.
void wrap_tls_records(std::vector<std::uint8_t>& out, std::size_t start, bool with_change_cipher_spec);

// The client's side: the ClientHello to send first, then checking and stripping the server's hello.
class FakeTlsClient {
 public:
  // Throws std::invalid_argument when the domain is too long for a 517-byte ClientHello (over 249 bytes).
  FakeTlsClient(const MtproxySecret& secret, crypto::Rng& rng, const Clock& clock);

  const std::vector<std::uint8_t>& client_hello() const noexcept { return hello_; }

  // Wraps out[start..); the first call adds the change_cipher_spec record.
  void wrap(std::vector<std::uint8_t>& out, std::size_t start);

  // Collects the server's hello (bounded: 2 records of kTlsMaxRecordPayload at most), checks its HMAC, then
  // hands the stream's bytes to `sink`. Throws ProtocolError(malformed) for a wrong hello or a bad HMAC (the
  // proxy does not know our secret, or is not an MTProxy).
  template <class Sink>
  void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
    if (!server_verified_) {
      bytes = collect_server_hello(bytes);
      if (!server_verified_) return;
    }
    records_.feed(bytes, sink);
  }

 private:
  static std::pair<std::size_t, bool> server_hello_needs(std::span<const std::uint8_t> h);
  std::span<const std::uint8_t> collect_server_hello(std::span<const std::uint8_t> bytes);
  void verify_server_hello();

  std::array<std::uint8_t, 16> key_{};
  std::array<std::uint8_t, 32> client_random_{};
  std::vector<std::uint8_t> hello_;
  std::vector<std::uint8_t> server_hello_;
  TlsRecordReader records_;
  bool server_verified_ = false;
  bool sent_change_cipher_spec_ = false;
};

// Refuses ClientHellos whose timestamp is too far from now and randoms seen before. Shared by all the server
// codecs of a process (thread-safe); remembers randoms for twice the allowed skew, and at most `capacity`.
class FakeTlsReplayGuard {
 public:
  explicit FakeTlsReplayGuard(const Clock& clock = system_clock(),
                              std::chrono::seconds max_skew = std::chrono::minutes(10),
                              std::size_t capacity = std::size_t{1} << 20);

  enum class Verdict : std::uint8_t { ok, too_old, too_new, replayed };
  // Remembers `random` when the verdict is ok.
  Verdict admit(std::span<const std::uint8_t, 32> random, std::uint32_t timestamp);

  // The guard a ServerCodec uses unless given one.
  static FakeTlsReplayGuard& process_wide();

 private:
  const Clock* clock_;
  std::int64_t max_skew_s_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_set<std::uint64_t> seen_;
  std::deque<std::pair<std::int64_t, std::uint64_t>> order_;  // (when admitted, key), oldest first
};

// The server's side: collects the ClientHello record, finds the `ee` secret whose HMAC it carries, and
// prepares the server's hello; then unwraps records.
class FakeTlsServer {
 public:
  FakeTlsServer(std::span<const MtproxySecret> secrets, FakeTlsReplayGuard& guard, crypto::Rng& rng);

  // Throws ProtocolError(malformed) when no fake-TLS secret matches, the time is off or the hello is replayed.
  template <class Sink>
  void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
    if (!secret_index_) {
      bytes = collect_client_hello(bytes);
      if (!secret_index_) return;
    }
    records_.feed(bytes, sink);
  }

  std::optional<std::size_t> secret_index() const noexcept { return secret_index_; }
  // Appends the server's hello once it is ready (once).
  void take_reply(std::vector<std::uint8_t>& out);
  // Wraps out[start..) in application-data records.
  static void wrap(std::vector<std::uint8_t>& out, std::size_t start) { wrap_tls_records(out, start, false); }

 private:
  std::span<const std::uint8_t> collect_client_hello(std::span<const std::uint8_t> bytes);
  void accept_client_hello();
  void build_reply(std::span<const std::uint8_t, 16> key, std::span<const std::uint8_t, 32> client_random);

  std::span<const MtproxySecret> secrets_;
  FakeTlsReplayGuard* guard_;
  crypto::Rng* rng_;
  std::vector<std::uint8_t> hello_;
  std::vector<std::uint8_t> reply_;
  std::optional<std::size_t> secret_index_;
  TlsRecordReader records_;
};

}  // namespace mtpipe::mtproto::transport
