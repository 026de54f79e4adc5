#include "mtproto/error.h"

namespace mtpipe::mtproto {

const char* to_string(Refusal r) noexcept {
  switch (r) {
    case Refusal::malformed: return "malformed";
    case Refusal::transport_error: return "transport error";
    case Refusal::bad_nonce: return "wrong nonce";
    case Refusal::bad_server_key: return "unknown server key";
    case Refusal::bad_pq: return "bad pq";
    case Refusal::bad_dh_params: return "bad DH parameters";
    case Refusal::bad_dh_value: return "DH value out of range";
    case Refusal::bad_hash: return "hash mismatch";
    case Refusal::dh_gen_fail: return "dh_gen_fail";
    case Refusal::bad_auth_key_id: return "unknown auth_key_id";
    case Refusal::bad_msg_key: return "wrong msg_key";
    case Refusal::bad_packet_size: return "bad packet size";
    case Refusal::bad_length: return "bad length";
    case Refusal::bad_padding: return "bad padding";
    case Refusal::bad_session_id: return "wrong session_id";
    case Refusal::msg_id_parity: return "msg_id of the wrong parity";
    case Refusal::bad_msg_id: return "bad msg_id";
    case Refusal::replayed_msg_id: return "replayed msg_id";
    case Refusal::bad_container: return "bad container";
    case Refusal::inflation_budget: return "gzip inflation over budget";
    case Refusal::handshake_timeout: return "handshake timeout";
  }
  return "refused";
}

}  // namespace mtpipe::mtproto
