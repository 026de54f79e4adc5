#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mtpipe::mtproto {

// Why a peer's bytes were refused. Every check the MTProto security guidelines ask for has its own kind, so a
// caller (and a negative test) can tell exactly which one fired.
enum class Refusal : std::uint8_t {
  malformed,            // framing or TL that does not parse, lengths that do not add up
  transport_error,      // the peer sent a transport error code (-404, -429, -444, ...)
  bad_nonce,            // nonce or server_nonce differs from ours
  bad_server_key,       // no RSA key with an offered fingerprint
  bad_pq,               // pq is not a product of two primes we can factor
  bad_dh_params,        // dh_prime not the safe prime, g not a valid generator
  bad_dh_value,         // g_a / g_b outside (1, p-1) or the 2^(2048-64) margins
  bad_hash,             // SHA1 of server_DH_inner_data, new_nonce_hash or RSA_PAD hash mismatch
  dh_gen_fail,          // the server answered dh_gen_fail
  bad_auth_key_id,      // encrypted packet for an auth key that is not ours
  bad_msg_key,          // msg_key does not match the decrypted plaintext
  bad_packet_size,      // encrypted packet shorter than the smallest message, or not whole AES blocks
  bad_length,           // message_data_length negative, not divisible by 4, or past the end of the plaintext
  bad_padding,          // padding outside 12..1024 bytes
  bad_session_id,       // session_id is not the active session
  msg_id_parity,        // a server msg_id that is even (server ids are 1 or 3 mod 4)
  bad_msg_id,           // msg_id outside the time window (over 300 s in the past or 30 s in the future)
  replayed_msg_id,      // msg_id seen before, or lower than every id in the window
  bad_container,        // a container that breaks the container rules (inner id not below its own, nested, too many)
  inflation_budget,     // gzip_packed inflating past what one packet may inflate to in all
  handshake_timeout,
};

const char* to_string(Refusal r) noexcept;

// Thrown by the protocol cores (transport codecs, handshakes, sessions) when bytes from the peer are refused.
// The message says what was expected; it never contains key material.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(Refusal refusal, const std::string& what)
      : std::runtime_error(std::string(to_string(refusal)) + ": " + what), refusal_(refusal) {}
  Refusal refusal() const noexcept { return refusal_; }

 private:
  Refusal refusal_;
};

}  // namespace mtpipe::mtproto
