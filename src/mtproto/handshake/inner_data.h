#pragma once
// p_q_inner_data, the RSA-encrypted part of req_DH_params (mtproto/auth_key step 4), in all its forms:
// the legacy p_q_inner_data#83c95aec (Telethon 1.25, GramJS) and p_q_inner_data_temp, the current
// p_q_inner_data_dc and p_q_inner_data_temp_dc; and both RSA schemes that carry it (RSA_PAD and the legacy
// SHA1 + data + padding that Telethon still uses). The client encodes one form; the server must accept all.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/rsa.h"
#include "tl/types.h"

namespace mtpipe::mtproto::handshake {

enum class InnerForm : std::uint8_t { legacy, legacy_temp, dc, temp_dc };
enum class RsaScheme : std::uint8_t { legacy, rsa_pad };

// The union of the four forms' fields.
struct PqInnerData {
  InnerForm form = InnerForm::dc;
  std::string pq;  // big-endian, as sent
  std::string p;
  std::string q;
  tl::Int128 nonce{};
  tl::Int128 server_nonce{};
  tl::Int256 new_nonce{};
  std::int32_t dc = 0;          // 0 in the legacy forms, which have no dc field
  std::int32_t expires_in = 0;  // only in the temp forms

  bool temporary() const noexcept { return form == InnerForm::legacy_temp || form == InnerForm::temp_dc; }
  bool has_dc() const noexcept { return form == InnerForm::dc || form == InnerForm::temp_dc; }
};

// The boxed TL serialisation of `d` in its form.
std::vector<std::uint8_t> encode_pq_inner_data(const PqInnerData& d);

struct DecryptedInnerData {
  PqInnerData data;
  RsaScheme scheme = RsaScheme::rsa_pad;
};

// Server side: decrypts req_DH_params' encrypted_data with `key`. The legacy scheme is tried first (a zero top
// byte, a valid inner constructor at offset 20 and its SHA1 in front), otherwise RSA_PAD, as protocol.md §4.3
// prescribes. Throws ProtocolError: bad_hash when neither scheme's check passes (wrong key, tampering),
// malformed when RSA_PAD holds no inner data object or the input is not 1..256 bytes.
DecryptedInnerData decrypt_pq_inner_data(const crypto::RsaPrivateKey& key, std::span<const std::uint8_t> encrypted);

}  // namespace mtpipe::mtproto::handshake
