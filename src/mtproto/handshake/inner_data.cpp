#include "tl/serialize.h"
#include "mtproto/handshake/inner_data.h"

#include <algorithm>
#include <optional>

#include "crypto/bytes.h"
#include "mtproto/error.h"
#include "mtproto/handshake/wire.h"
#include "tl/api.h"
#include "tl/errors.h"

namespace mtpipe::mtproto::handshake {

namespace {

constexpr std::size_t kLegacyHashSize = 20;

template <class T>
void put_common(T& o, const PqInnerData& d) {
  o.pq = d.pq, o.p = d.p, o.q = d.q;
  o.nonce = d.nonce, o.server_nonce = d.server_nonce, o.new_nonce = d.new_nonce;
}

template <class T>
PqInnerData take_common(T& o, InnerForm form) {
  PqInnerData d;
  d.form = form;
  d.pq = o.pq, d.p = o.p, d.q = o.q;
  d.nonce = o.nonce, d.server_nonce = o.server_nonce, d.new_nonce = o.new_nonce;
  crypto::secure_wipe(o.new_nonce);
  return d;
}

// The fields of whichever P_Q_inner_data constructor `obj` is.
PqInnerData from_object(tl::mt::P_Q_inner_data& obj) {
  if (auto* o = dynamic_cast<tl::mt::p_q_inner_data_dc*>(&obj)) {
    auto d = take_common(*o, InnerForm::dc);
    d.dc = o->dc;
    return d;
  }
  if (auto* o = dynamic_cast<tl::mt::p_q_inner_data_temp_dc*>(&obj)) {
    auto d = take_common(*o, InnerForm::temp_dc);
    d.dc = o->dc, d.expires_in = o->expires_in;
    return d;
  }
  if (auto* o = dynamic_cast<tl::mt::p_q_inner_data_temp*>(&obj)) {
    auto d = take_common(*o, InnerForm::legacy_temp);
    d.expires_in = o->expires_in;
    return d;
  }
  return take_common(dynamic_cast<tl::mt::p_q_inner_data&>(obj), InnerForm::legacy);
}

// Reads a boxed P_Q_inner_data from the front of `in`, returning it and how many bytes it took.
std::pair<PqInnerData, std::size_t> read_inner(std::span<const std::uint8_t> in) {
  tl::Reader r(in);
  auto obj = tl::mt::P_Q_inner_data::tl_read_boxed(r);
  return {from_object(*obj), in.size() - r.remaining()};
}

// Legacy scheme: the 255-byte plaintext is SHA1(data) + data + padding. Nothing when it is not that.
std::optional<PqInnerData> try_legacy(std::span<const std::uint8_t, crypto::kRsaBytes> block) {
  std::vector<std::uint8_t> plain;
  try {
    plain = crypto::rsa_legacy_unwrap(block);
  } catch (const crypto::Error&) {
    return std::nullopt;  // top byte not zero: cannot be the legacy scheme
  }
  std::optional<PqInnerData> out;
  try {
    auto [data, used] = read_inner(std::span(plain).subspan(kLegacyHashSize));
    if (crypto::rsa_legacy_hash_matches(plain, used)) out = std::move(data);
    else crypto::secure_wipe(data.new_nonce);
  } catch (const tl::DecodeError&) {
    // not an inner data object at offset 20: try RSA_PAD
  }
  crypto::secure_wipe(plain);
  return out;
}

}  // namespace

std::vector<std::uint8_t> encode_pq_inner_data(const PqInnerData& d) {
  switch (d.form) {
    case InnerForm::dc: {
      tl::mt::p_q_inner_data_dc o;
      put_common(o, d);
      o.dc = d.dc;
      return tl::serialize(o);
    }
    case InnerForm::temp_dc: {
      tl::mt::p_q_inner_data_temp_dc o;
      put_common(o, d);
      o.dc = d.dc, o.expires_in = d.expires_in;
      return tl::serialize(o);
    }
    case InnerForm::legacy_temp: {
      tl::mt::p_q_inner_data_temp o;
      put_common(o, d);
      o.expires_in = d.expires_in;
      return tl::serialize(o);
    }
    case InnerForm::legacy: break;
  }
  tl::mt::p_q_inner_data o;
  put_common(o, d);
  return tl::serialize(o);
}

DecryptedInnerData decrypt_pq_inner_data(const crypto::RsaPrivateKey& key, std::span<const std::uint8_t> encrypted) {
  if (encrypted.empty() || encrypted.size() > crypto::kRsaBytes) {
    throw ProtocolError(Refusal::malformed, "req_DH_params encrypted_data of " + std::to_string(encrypted.size()) +
                                                " bytes; RSA output is 256");
  }
  // Some clients drop leading zero bytes of the RSA output; as a number it is the same.
  std::array<std::uint8_t, crypto::kRsaBytes> block{};
  std::copy(encrypted.begin(), encrypted.end(), block.end() - static_cast<std::ptrdiff_t>(encrypted.size()));

  // One private-key operation serves both schemes.
  std::array<std::uint8_t, crypto::kRsaBytes> plain;
  try {
    plain = key.decrypt_raw(block);
  } catch (const crypto::Error&) {
    throw ProtocolError(Refusal::malformed, "req_DH_params encrypted_data is not below the RSA modulus");
  }
  if (auto legacy = try_legacy(plain)) {
    crypto::secure_wipe(plain);
    return {std::move(*legacy), RsaScheme::legacy};
  }
  std::array<std::uint8_t, 192> padded{};
  try {
    padded = crypto::rsa_pad_unwrap(plain);
    crypto::secure_wipe(plain);
  } catch (const crypto::Error&) {
    crypto::secure_wipe(plain);
    throw ProtocolError(Refusal::bad_hash,
                        "req_DH_params encrypted_data passes neither the legacy SHA1 nor the RSA_PAD SHA256 check");
  }
  try {
    // RSA_PAD pads to 192 bytes with random bytes: whatever follows the object is ignored.
    auto data = read_inner(padded).first;
    crypto::secure_wipe(padded);
    return {std::move(data), RsaScheme::rsa_pad};
  } catch (const tl::DecodeError& e) {
    crypto::secure_wipe(padded);
    throw ProtocolError(Refusal::malformed, std::string("RSA_PAD data is not p_q_inner_data: ") + e.what());
  }
}

}  // namespace mtpipe::mtproto::handshake
