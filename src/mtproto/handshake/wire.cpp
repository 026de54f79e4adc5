#include "mtproto/handshake/wire.h"

#include <algorithm>

#include "crypto/auth_key.h"
#include "crypto/bytes.h"
#include "crypto/sha.h"
#include "mtproto/byte_order.h"
#include "mtproto/error.h"
#include "tl/errors.h"

namespace mtpipe::mtproto::handshake::detail {

namespace {
template <class Read>
auto read_exactly(std::span<const std::uint8_t> body, std::string_view what, Read read) {
  try {
    tl::Reader r(body);
    auto obj = read(r);
    if (!r.at_end()) {
      throw ProtocolError(Refusal::malformed, std::string(what) + ": " + std::to_string(r.remaining()) +
                                                  " bytes after " + std::string(obj->tl_name()));
    }
    return obj;
  } catch (const tl::DecodeError& e) {
    throw ProtocolError(Refusal::malformed, std::string(what) + ": " + e.what());
  }
}
}  // namespace

tl::object_ptr<tl::Object> read_one_object(std::span<const std::uint8_t> body, std::string_view what) {
  return read_exactly(body, what, [](tl::Reader& r) { return tl::read_any_object(r); });
}

tl::object_ptr<tl::Function> read_one_function(std::span<const std::uint8_t> body, std::string_view what) {
  return read_exactly(body, what, [](tl::Reader& r) { return tl::read_any_function(r); });
}

std::string be_bytes(std::uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    const auto byte = static_cast<char>((v >> shift) & 0xff);
    if (out.empty() && byte == 0) continue;
    out.push_back(byte);
  }
  return out;
}

std::optional<std::uint64_t> be_value(std::string_view s) noexcept {
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) v = (v << 8) | static_cast<std::uint8_t>(c);
  return v;
}

void expect_nonces(const tl::Int128& nonce, const tl::Int128& server_nonce, const tl::Int128& our_nonce,
                   const tl::Int128& our_server_nonce, std::string_view where) {
  if (nonce != our_nonce) throw ProtocolError(Refusal::bad_nonce, std::string(where) + " carries another nonce");
  if (server_nonce != our_server_nonce) {
    throw ProtocolError(Refusal::bad_nonce, std::string(where) + " carries another server_nonce");
  }
}

bool same_hash(const tl::Int128& a, const std::array<std::uint8_t, 16>& b) noexcept { return crypto::equal_ct(a, b); }

tl::Int128 params_fail_hash(const tl::Int256& new_nonce) {
  const auto h = crypto::sha1(new_nonce);
  tl::Int128 out{};
  std::copy_n(h.begin() + 4, out.size(), out.begin());
  return out;
}

std::int64_t initial_salt(const tl::Int256& new_nonce, const tl::Int128& server_nonce) noexcept {
  std::uint8_t x[8];
  for (std::size_t i = 0; i < 8; ++i) x[i] = static_cast<std::uint8_t>(new_nonce[i] ^ server_nonce[i]);
  return load_le<std::int64_t>(x);
}

std::int64_t retry_id_of(std::span<const std::uint8_t> auth_key) {
  return load_le<std::int64_t>(crypto::auth_key_aux_hash(auth_key).data());  // the long whose wire bytes these are
}

}  // namespace mtpipe::mtproto::handshake::detail
