#include "mtproto/transport/obfuscation.h"

#include <algorithm>

#include "crypto/sha.h"
#include "mtproto/byte_order.h"

namespace mtpipe::mtproto::transport {
namespace {

// Key from bytes 8..40 and IV from bytes 40..56 of `source`, read forwards or (for the reversed init) backwards.
CtrKeyIv extract(std::span<const std::uint8_t, 64> init, bool reversed, std::span<const std::uint8_t> secret16) {
  CtrKeyIv out;
  if (reversed) {
    // rev[i] = init[63 - i]: rev[8..40) is init[24..56) backwards, rev[40..56) is init[8..24) backwards.
    std::reverse_copy(init.begin() + 24, init.begin() + 56, out.key.begin());
    std::reverse_copy(init.begin() + 8, init.begin() + 24, out.iv.begin());
  } else {
    std::copy_n(init.begin() + 8, 32, out.key.begin());
    std::copy_n(init.begin() + 40, 16, out.iv.begin());
  }
  if (!secret16.empty()) out.key = crypto::sha256(out.key, secret16);
  return out;
}

}  // namespace

ObfuscationKeys client_obfuscation_keys(std::span<const std::uint8_t, 64> init, std::span<const std::uint8_t> secret16) {
  return {extract(init, false, secret16), extract(init, true, secret16)};
}

ObfuscationKeys server_obfuscation_keys(std::span<const std::uint8_t, 64> init, std::span<const std::uint8_t> secret16) {
  return {extract(init, true, secret16), extract(init, false, secret16)};
}

bool is_acceptable_init(std::span<const std::uint8_t, 64> init) noexcept {
  if (init[0] == 0xef) return false;
  switch (load_le<std::uint32_t>(init.data())) {
    case 0x44414548U:  // "HEAD"
    case 0x54534f50U:  // "POST"
    case 0x20544547U:  // "GET "
    case 0x4954504fU:  // "OPTI"
    case 0x02010316U:  // TLS handshake record, as fake-TLS MTProxy clients start
    case 0xddddddddU:
    case 0xeeeeeeeeU:
      return false;
    default:
      break;
  }
  return load_le<std::uint32_t>(init.data() + 4) != 0;
}

ObfuscationInit generate_obfuscation_init(crypto::Rng& rng, std::uint32_t tag, std::int16_t dc_id) {
  ObfuscationInit init;
  do {
    rng.fill(init);
  } while (!is_acceptable_init(init));
  store_le<std::uint32_t>(init.data() + 56, tag);
  if (dc_id != 0) {
    const auto dc = static_cast<std::uint16_t>(dc_id);
    init[60] = static_cast<std::uint8_t>(dc);
    init[61] = static_cast<std::uint8_t>(dc >> 8);
  }
  return init;
}

crypto::AesCtr make_ctr(const CtrKeyIv& key_iv) { return crypto::AesCtr(key_iv.key, key_iv.iv); }

void encrypt_tail(crypto::AesCtr* ctr, std::vector<std::uint8_t>& out, std::size_t start) {
  if (ctr != nullptr) ctr->apply(std::span(out).subspan(start));
}

}  // namespace mtpipe::mtproto::transport
