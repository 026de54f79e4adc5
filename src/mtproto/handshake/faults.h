#pragma once
// Deliberate misbehaviours of the emulated DC's handshake. They exist so the client's negative tests (and the
// sim's --fault flags) can show that every check of the security guidelines fires with the right Refusal.
// A production server runs with no faults set.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace mtpipe::mtproto::handshake {

enum class Fault : std::uint8_t {
  bad_dh_prime,         // dh_prime is a 2048-bit number divisible by 5 (not prime) → client: bad_dh_params
  bad_g,                // g = 9, not a valid generator → client: bad_dh_params
  g_a_out_of_range,     // g_a = p - 1 (the order-2 element) → client: bad_dh_value
  bad_inner_hash,       // the SHA1 before server_DH_inner_data is corrupted → client: bad_hash
  wrong_nonce,          // resPQ carries another nonce → client: bad_nonce
  wrong_server_nonce,   // server_DH_params_ok carries another server_nonce → client: bad_nonce
  bad_new_nonce_hash,   // dh_gen_ok with a wrong new_nonce_hash1 → client: bad_hash
  dh_gen_retry_once,    // the first set_client_DH_params is answered dh_gen_retry → client retries and succeeds
  dh_gen_fail,          // set_client_DH_params is answered dh_gen_fail → client: dh_gen_fail
  dh_params_fail,       // req_DH_params is answered server_DH_params_fail → client: dh_gen_fail
};

inline constexpr Fault kAllFaults[] = {
    Fault::bad_dh_prime,       Fault::bad_g,          Fault::g_a_out_of_range, Fault::bad_inner_hash,
    Fault::wrong_nonce,        Fault::wrong_server_nonce, Fault::bad_new_nonce_hash, Fault::dh_gen_retry_once,
    Fault::dh_gen_fail,        Fault::dh_params_fail,
};

// The flag spelling ("bad_dh_prime", ...), and back; nothing for an unknown name.
std::string_view to_string(Fault f) noexcept;
std::optional<Fault> fault_from_string(std::string_view name) noexcept;

// A set of faults, cheap to copy into every connection's ServerHandshake.
class Faults {
 public:
  constexpr Faults() noexcept = default;
  constexpr Faults(std::initializer_list<Fault> faults) noexcept {
    for (const Fault f : faults) set(f);
  }
  constexpr Faults& set(Fault f) noexcept {
    bits_ |= bit(f);
    return *this;
  }
  constexpr bool has(Fault f) const noexcept { return (bits_ & bit(f)) != 0; }
  constexpr bool none() const noexcept { return bits_ == 0; }

 private:
  static constexpr std::uint32_t bit(Fault f) noexcept { return std::uint32_t{1} << static_cast<unsigned>(f); }
  std::uint32_t bits_ = 0;
};

}  // namespace mtpipe::mtproto::handshake
