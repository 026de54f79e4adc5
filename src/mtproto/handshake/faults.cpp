#include "mtproto/handshake/faults.h"

namespace mtpipe::mtproto::handshake {

std::string_view to_string(Fault f) noexcept {
  switch (f) {
    case Fault::bad_dh_prime: return "bad_dh_prime";
    case Fault::bad_g: return "bad_g";
    case Fault::g_a_out_of_range: return "g_a_out_of_range";
    case Fault::bad_inner_hash: return "bad_inner_hash";
    case Fault::wrong_nonce: return "wrong_nonce";
    case Fault::wrong_server_nonce: return "wrong_server_nonce";
    case Fault::bad_new_nonce_hash: return "bad_new_nonce_hash";
    case Fault::dh_gen_retry_once: return "dh_gen_retry_once";
    case Fault::dh_gen_fail: return "dh_gen_fail";
    case Fault::dh_params_fail: return "dh_params_fail";
  }
  return "unknown";
}

std::optional<Fault> fault_from_string(std::string_view name) noexcept {
  for (const Fault f : kAllFaults) {
    if (to_string(f) == name) return f;
  }
  return std::nullopt;
}

}  // namespace mtpipe::mtproto::handshake
