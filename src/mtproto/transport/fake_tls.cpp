#include "mtproto/transport/fake_tls.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "crypto/hmac.h"
#include "mtproto/byte_order.h"
#include "mtproto/error.h"

namespace mtpipe::mtproto::transport {
namespace {

constexpr std::size_t kRandomOffset = 11;  // record header 5 + handshake header 4 + version 2
constexpr std::array<std::uint8_t, 6> kChangeCipherSpec{0x14, 0x03, 0x03, 0x00, 0x01, 0x01};

[[noreturn]] void refuse(const std::string& what) { throw ProtocolError(Refusal::malformed, "fake TLS: " + what); }

std::uint16_t load_be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

void append_be16(std::vector<std::uint8_t>& out, std::size_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

void append(std::vector<std::uint8_t>& out, std::initializer_list<std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void append_random(std::vector<std::uint8_t>& out, std::size_t n, crypto::Rng& rng) {
  out.resize(out.size() + n);
  rng.fill(std::span(out).last(n));
}

// Writes the big-endian length of what follows `at + width` up to the end of `out` into the `width` bytes at
// `at` (TLS nests length-prefixed blocks).
void close_length(std::vector<std::uint8_t>& out, std::size_t at, std::size_t width) {
  const std::size_t length = out.size() - at - width;
  for (std::size_t i = 0; i < width; ++i) out[at + i] = static_cast<std::uint8_t>(length >> (8 * (width - 1 - i)));
}

std::size_t open_length(std::vector<std::uint8_t>& out, std::size_t width) {
  out.resize(out.size() + width);
  return out.size() - width;
}

// The digest of a hello: HMAC over it with its random field zeroed.
std::array<std::uint8_t, 32> hello_digest(std::span<const std::uint8_t> key, std::span<const std::uint8_t> prefix,
                                          std::vector<std::uint8_t> hello) {
  std::fill_n(hello.begin() + kRandomOffset, 32, 0);
  return crypto::hmac_sha256(key, prefix, hello);
}

// A TLS 1.3 ClientHello as browsers send it, with the random left zero, padded to 517 bytes.
std::vector<std::uint8_t> client_hello_template(const std::string& domain, crypto::Rng& rng) {
  std::vector<std::uint8_t> h;
  h.reserve(kClientHelloSize);
  append(h, {0x16, 0x03, 0x01});
  const std::size_t record = open_length(h, 2);
  h.push_back(0x01);  // ClientHello
  const std::size_t handshake = open_length(h, 3);
  append(h, {0x03, 0x03});
  h.resize(h.size() + 32);  // random, filled in by the caller
  h.push_back(32);
  append_random(h, 32, rng);  // session id
  append(h, {0x00, 0x20, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc,
             0xa9, 0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35});
  append(h, {0x01, 0x00});  // compression: null
  const std::size_t extensions = open_length(h, 2);
  append(h, {0x00, 0x00});  // server_name
  append_be16(h, domain.size() + 5);
  append_be16(h, domain.size() + 3);
  h.push_back(0x00);  // host_name
  append_be16(h, domain.size());
  h.insert(h.end(), domain.begin(), domain.end());
  append(h, {0x00, 0x17, 0x00, 0x00});                                      // extended_master_secret
  append(h, {0xff, 0x01, 0x00, 0x01, 0x00});                                // renegotiation_info
  append(h, {0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18});  // supported_groups
  append(h, {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00});                          // ec_point_formats
  append(h, {0x00, 0x23, 0x00, 0x00});                                      // session_ticket
  append(h, {0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'});
  append(h, {0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00});        // status_request
  append(h, {0x00, 0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05, 0x05,
             0x01, 0x08, 0x06, 0x06, 0x01});                                // signature_algorithms
  append(h, {0x00, 0x12, 0x00, 0x00});                                      // signed_certificate_timestamp
  append(h, {0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20});  // key_share: one x25519 key
  append_random(h, 32, rng);
  append(h, {0x00, 0x2d, 0x00, 0x02, 0x01, 0x01});                          // psk_key_exchange_modes
  append(h, {0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03});        // supported_versions: 1.3, 1.2
  if (h.size() + 4 > kClientHelloSize) {
    throw std::invalid_argument("fake TLS: domain of " + std::to_string(domain.size()) +
                                " bytes is too long for a 517-byte ClientHello");
  }
  append(h, {0x00, 0x15});  // padding, to the size tdlib sends
  append_be16(h, kClientHelloSize - h.size() - 2);
  h.resize(kClientHelloSize);
  close_length(h, extensions, 2);
  close_length(h, handshake, 3);
  close_length(h, record, 2);
  return h;
}

std::uint64_t replay_key(std::span<const std::uint8_t, 32> random) {
  std::uint64_t key = 0;
  std::memcpy(&key, random.data(), sizeof key);  // HMAC output: uniformly spread
  return key;
}

}  // namespace

std::span<const std::uint8_t> TlsRecordReader::read_header(std::span<const std::uint8_t> bytes) {
  const std::size_t take = std::min<std::size_t>(head_.size() - head_len_, bytes.size());
  std::copy_n(bytes.begin(), take, head_.begin() + head_len_);
  head_len_ = static_cast<std::uint8_t>(head_len_ + take);
  if (head_len_ < head_.size()) return bytes.subspan(take);
  head_len_ = 0;
  const std::uint16_t length = load_be16(head_.data() + 3);
  if (head_[1] != 0x03 || head_[2] != 0x03) refuse("record with version " + std::to_string(head_[1]) + "." + std::to_string(head_[2]));
  if (length == 0 || length > kTlsMaxRecordPayload) refuse("record of " + std::to_string(length) + " bytes");
  if (head_[0] == 0x14) {
    if (length != 1) refuse("change_cipher_spec record of " + std::to_string(length) + " bytes");
    skipping_ = true;
  } else if (head_[0] == 0x17) {
    skipping_ = false;
  } else {
    refuse("unexpected record type " + std::to_string(head_[0]) + " where application data was expected");
  }
  remaining_ = length;
  return bytes.subspan(take);
}

void wrap_tls_records(std::vector<std::uint8_t>& out, std::size_t start, bool with_change_cipher_spec) {
  const std::size_t size = out.size() - start;
  const std::size_t records = (size + kTlsRecordPayload - 1) / kTlsRecordPayload;
  const std::size_t extra = records * 5 + (with_change_cipher_spec ? kChangeCipherSpec.size() : 0);
  out.resize(out.size() + extra);
  // From the last record back, so each chunk moves to its final place before anything overwrites it.
  std::size_t write_end = out.size();
  for (std::size_t r = records; r-- > 0;) {
    const std::size_t chunk_begin = start + r * kTlsRecordPayload;
    const std::size_t chunk = std::min(kTlsRecordPayload, size - r * kTlsRecordPayload);
    std::memmove(out.data() + write_end - chunk, out.data() + chunk_begin, chunk);
    std::uint8_t* head = out.data() + write_end - chunk - 5;
    head[0] = 0x17;
    head[1] = 0x03;
    head[2] = 0x03;
    head[3] = static_cast<std::uint8_t>(chunk >> 8);
    head[4] = static_cast<std::uint8_t>(chunk);
    write_end -= chunk + 5;
  }
  if (with_change_cipher_spec) std::copy(kChangeCipherSpec.begin(), kChangeCipherSpec.end(), out.begin() + start);
}

FakeTlsClient::FakeTlsClient(const MtproxySecret& secret, crypto::Rng& rng, const Clock& clock)
    : key_(secret.key), hello_(client_hello_template(secret.fake_tls_domain, rng)) {
  const auto digest = hello_digest(key_, {}, hello_);
  const auto now = static_cast<std::uint32_t>(clock.unix_ns() / kNsPerSecond);
  std::copy(digest.begin(), digest.end(), client_random_.begin());
  store_le<std::uint32_t>(client_random_.data() + 28, load_le<std::uint32_t>(digest.data() + 28) ^ now);
  std::copy(client_random_.begin(), client_random_.end(), hello_.begin() + kRandomOffset);
}

void FakeTlsClient::wrap(std::vector<std::uint8_t>& out, std::size_t start) {
  wrap_tls_records(out, start, !sent_change_cipher_spec_);
  sent_change_cipher_spec_ = true;
}

// The server's hello is three records: handshake, change_cipher_spec, application data. Their sizes are known
// only as their headers arrive: returns how many bytes are needed as far as `h` tells, and whether that is all.
std::pair<std::size_t, bool> FakeTlsClient::server_hello_needs(std::span<const std::uint8_t> h) {
  if (h.size() < 5) return {5, false};
  if (h[0] != 0x16 || h[1] != 0x03 || h[2] != 0x03)
    refuse("the proxy's answer does not start with a TLS 1.2 handshake record (16 03 03): not an MTProxy?");
  const std::size_t first = 5 + load_be16(h.data() + 3);
  const std::size_t app_head_end = first + kChangeCipherSpec.size() + 5;
  if (first - 5 > kTlsMaxRecordPayload) refuse("ServerHello record too long");
  if (h.size() < app_head_end) return {app_head_end, false};
  const std::size_t app = load_be16(h.data() + app_head_end - 2);
  if (app > kTlsMaxRecordPayload) refuse("application-data record too long in the proxy's hello");
  return {app_head_end + app, true};
}

std::span<const std::uint8_t> FakeTlsClient::collect_server_hello(std::span<const std::uint8_t> bytes) {
  for (;;) {
    const auto [want, complete] = server_hello_needs(server_hello_);
    if (server_hello_.size() >= want) {
      if (!complete) continue;
      verify_server_hello();
      return bytes;
    }
    const std::size_t take = std::min(want - server_hello_.size(), bytes.size());
    server_hello_.insert(server_hello_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
    if (server_hello_.size() < want) return bytes;
  }
}

void FakeTlsClient::verify_server_hello() {
  const std::size_t first = 5 + load_be16(server_hello_.data() + 3);
  if (first < kRandomOffset + 32 || server_hello_[5] != 0x02) refuse("the first record is not a ServerHello");
  if (!std::equal(kChangeCipherSpec.begin(), kChangeCipherSpec.end(), server_hello_.begin() + first))
    refuse("no change_cipher_spec after the ServerHello");
  const std::uint8_t* app = server_hello_.data() + first + kChangeCipherSpec.size();
  if (app[0] != 0x17 || app[1] != 0x03 || app[2] != 0x03) refuse("no application-data record after change_cipher_spec");
  const auto expected = hello_digest(key_, client_random_, server_hello_);
  if (CRYPTO_memcmp(expected.data(), server_hello_.data() + kRandomOffset, 32) != 0)
    refuse("the ServerHello's HMAC does not match: the proxy does not know this secret");
  server_verified_ = true;
  server_hello_ = {};
}

FakeTlsReplayGuard::FakeTlsReplayGuard(const Clock& clock, std::chrono::seconds max_skew, std::size_t capacity)
    : clock_(&clock), max_skew_s_(max_skew.count()), capacity_(capacity) {}

FakeTlsReplayGuard& FakeTlsReplayGuard::process_wide() {
  static FakeTlsReplayGuard guard;
  return guard;
}

FakeTlsReplayGuard::Verdict FakeTlsReplayGuard::admit(std::span<const std::uint8_t, 32> random,
                                                      std::uint32_t timestamp) {
  const std::int64_t now = clock_->unix_ns() / kNsPerSecond;
  if (timestamp < now - max_skew_s_) return Verdict::too_old;
  if (timestamp > now + max_skew_s_) return Verdict::too_new;
  const std::uint64_t key = replay_key(random);
  const std::lock_guard lock(mutex_);
  // A hello older than twice the skew fails the time check; its random need not be kept.
  while (!order_.empty() && (order_.front().first < now - 2 * max_skew_s_ || order_.size() >= capacity_)) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  if (!seen_.insert(key).second) return Verdict::replayed;
  order_.emplace_back(now, key);
  return Verdict::ok;
}

FakeTlsServer::FakeTlsServer(std::span<const MtproxySecret> secrets, FakeTlsReplayGuard& guard, crypto::Rng& rng)
    : secrets_(secrets), guard_(&guard), rng_(&rng) {}

void FakeTlsServer::take_reply(std::vector<std::uint8_t>& out) {
  out.insert(out.end(), reply_.begin(), reply_.end());
  reply_ = {};
}

std::span<const std::uint8_t> FakeTlsServer::collect_client_hello(std::span<const std::uint8_t> bytes) {
  std::size_t want = 5;
  if (hello_.size() >= 5) want = 5 + load_be16(hello_.data() + 3);
  for (;;) {
    const std::size_t take = std::min(want - hello_.size(), bytes.size());
    hello_.insert(hello_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
    if (hello_.size() < want) return bytes;
    if (want == 5) {
      // detect_transport let only 16 03 01 02 through: a 512..767-byte record.
      want = 5 + load_be16(hello_.data() + 3);
      if (want < kRandomOffset + 32 + 1 + 32) refuse("ClientHello record of " + std::to_string(want) + " bytes");
      continue;
    }
    accept_client_hello();
    return bytes;
  }
}

void FakeTlsServer::accept_client_hello() {
  if (hello_[5] != 0x01) refuse("the first handshake message is not a ClientHello");
  const std::span<const std::uint8_t, 32> random(hello_.data() + kRandomOffset, 32);
  for (std::size_t i = 0; i < secrets_.size(); ++i) {
    if (secrets_[i].kind != MtproxySecret::Kind::fake_tls) continue;
    const auto digest = hello_digest(secrets_[i].key, {}, hello_);
    // The first 28 bytes are the HMAC itself; the last 4 carry the client's time XORed in.
    if (CRYPTO_memcmp(digest.data(), random.data(), 28) != 0) continue;
    const std::uint32_t timestamp = load_le<std::uint32_t>(digest.data() + 28) ^ load_le<std::uint32_t>(random.data() + 28);
    switch (guard_->admit(random, timestamp)) {
      case FakeTlsReplayGuard::Verdict::ok: break;
      case FakeTlsReplayGuard::Verdict::too_old: refuse("ClientHello timestamp too far in the past");
      case FakeTlsReplayGuard::Verdict::too_new: refuse("ClientHello timestamp too far in the future");
      case FakeTlsReplayGuard::Verdict::replayed: refuse("replayed ClientHello (its random was seen before)");
    }
    build_reply(secrets_[i].key, random);
    secret_index_ = i;
    hello_ = {};
    return;
  }
  refuse("the ClientHello's HMAC matches none of the fake-TLS secrets");
}

void FakeTlsServer::build_reply(std::span<const std::uint8_t, 16> key, std::span<const std::uint8_t, 32> client_random) {
  const std::uint8_t session_id_size = hello_[kRandomOffset + 32];
  if (session_id_size > 32 || kRandomOffset + 33 + session_id_size > hello_.size()) refuse("bad session id in ClientHello");
  std::vector<std::uint8_t>& r = reply_;
  append(r, {0x16, 0x03, 0x03});
  const std::size_t record = open_length(r, 2);
  r.push_back(0x02);  // ServerHello
  const std::size_t handshake = open_length(r, 3);
  append(r, {0x03, 0x03});
  r.resize(r.size() + 32);  // random: the HMAC, below
  r.push_back(session_id_size);
  r.insert(r.end(), hello_.begin() + kRandomOffset + 33, hello_.begin() + kRandomOffset + 33 + session_id_size);
  append(r, {0x13, 0x01, 0x00});  // TLS_AES_128_GCM_SHA256, no compression
  append(r, {0x00, 0x2e, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20});  // key_share: x25519
  append_random(r, 32, *rng_);
  append(r, {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04});  // supported_versions: TLS 1.3
  close_length(r, handshake, 3);
  close_length(r, record, 2);
  r.insert(r.end(), kChangeCipherSpec.begin(), kChangeCipherSpec.end());
  // What a real server's encrypted certificate would take: a size that varies like one.
  std::array<std::uint8_t, 2> size_bits{};
  rng_->fill(size_bits);
  const std::size_t fake_certificate = 1024 + load_be16(size_bits.data()) % 3072;
  append(r, {0x17, 0x03, 0x03});
  append_be16(r, fake_certificate);
  append_random(r, fake_certificate, *rng_);
  const auto digest = hello_digest(key, client_random, r);
  std::copy(digest.begin(), digest.end(), r.begin() + kRandomOffset);
}

}  // namespace mtpipe::mtproto::transport
