#include "tl/serialize.h"
#include "mtproto/handshake/client_handshake.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "crypto/auth_key.h"
#include "crypto/bytes.h"
#include "crypto/pq.h"
#include "mtproto/error.h"
#include "mtproto/handshake/inner_cipher.h"
#include "mtproto/handshake/inner_data.h"
#include "mtproto/handshake/wire.h"
#include "mtproto/plain_message.h"
#include "tl/api.h"

namespace mtpipe::mtproto::handshake {

namespace {


// A big-endian number that passed the range checks (so it is below 2^2048) as exactly 256 bytes.
std::array<std::uint8_t, crypto::kDhBytes> to_dh_bytes(std::string_view s) {
  const auto first = std::find_if(s.begin(), s.end(), [](char c) { return c != 0; });
  const auto len = static_cast<std::size_t>(s.end() - first);
  if (len > crypto::kDhBytes) throw ProtocolError(Refusal::bad_dh_value, "DH number longer than 2048 bits");
  std::array<std::uint8_t, crypto::kDhBytes> out{};
  std::copy(first, s.end(), out.end() - static_cast<std::ptrdiff_t>(len));
  return out;
}

std::string refused_type(const tl::Object& obj, std::string_view expected) {
  return "expected " + std::string(expected) + ", got " + std::string(obj.tl_name());
}

}  // namespace

ClientHandshake::ClientHandshake(ClientOptions options, crypto::Rng& rng, const Clock& clock)
    : options_(std::move(options)), rng_(rng), clock_(clock) {
  if (options_.server_keys.empty()) throw std::invalid_argument("ClientHandshake needs at least one server key");
  if (options_.expires_in && *options_.expires_in <= 0) {
    throw std::invalid_argument("a temporary key needs a positive expires_in");
  }
}

ClientHandshake::~ClientHandshake() { wipe(); }

void ClientHandshake::wipe() noexcept {
  crypto::secure_wipe(new_nonce_);
  crypto::secure_wipe(auth_key_);
}

std::vector<std::uint8_t> ClientHandshake::plain(std::span<const std::uint8_t> body) {
  return make_plain_message(msg_ids_.next(clock_.unix_ns()), body);
}

std::vector<std::uint8_t> ClientHandshake::start() {
  wipe();
  server_nonce_ = {};
  retries_ = 0;
  rng_.fill(nonce_);
  tl::mt::req_pq_multi req;
  req.nonce = nonce_;
  state_ = State::wait_res_pq;
  return plain(tl::serialize(req));
}

ClientStep ClientHandshake::on_packet(std::span<const std::uint8_t> packet) {
  const State at = state_;
  state_ = State::failed;  // until this packet is accepted
  try {
    if (packet.size() == 4) {
      std::uint32_t code = 0;
      for (std::size_t i = 4; i-- > 0;) code = (code << 8) | packet[i];
      throw ProtocolError(Refusal::transport_error,
                          "server answered transport error " + std::to_string(static_cast<std::int32_t>(code)));
    }
    const PlainMessage msg = parse_plain_message(packet);
    if ((msg.msg_id & 1) == 0) {
      throw ProtocolError(Refusal::bad_msg_id, "server message with an even msg_id (client parity)");
    }
    switch (at) {
      case State::wait_res_pq: {
        auto send = on_res_pq(msg.body);
        state_ = State::wait_server_dh_params;
        return {std::move(send), std::nullopt};
      }
      case State::wait_server_dh_params: {
        auto send = on_server_dh_params(msg.body);
        state_ = State::wait_dh_gen;
        return {std::move(send), std::nullopt};
      }
      case State::wait_dh_gen: {
        auto step = on_dh_gen(msg.body);
        state_ = step.done() ? State::done : State::wait_dh_gen;
        return step;
      }
      case State::idle:
      case State::done:
      case State::failed: break;
    }
    throw ProtocolError(Refusal::malformed, "no handshake in progress; call start() for a new one");
  } catch (...) {
    wipe();
    throw;
  }
}

std::vector<std::uint8_t> ClientHandshake::on_res_pq(std::span<const std::uint8_t> body) {
  const auto obj = detail::read_one_object(body, "answer to req_pq_multi");
  const auto* res = dynamic_cast<const tl::mt::resPQ*>(obj.get());
  if (res == nullptr) throw ProtocolError(Refusal::malformed, refused_type(*obj, "resPQ"));
  if (res->nonce != nonce_) throw ProtocolError(Refusal::bad_nonce, "resPQ carries another nonce");
  server_nonce_ = res->server_nonce;

  // The first offered fingerprint that belongs to a key we trust.
  const crypto::RsaPublicKey* key = nullptr;
  for (const std::int64_t fp : res->server_public_key_fingerprints) {
    for (const auto& k : options_.server_keys) {
      if (k.fingerprint() == static_cast<std::uint64_t>(fp)) key = &k;
    }
    if (key != nullptr) break;
  }
  if (key == nullptr) {
    throw ProtocolError(Refusal::bad_server_key, "resPQ offers " +
                                                     std::to_string(res->server_public_key_fingerprints.size()) +
                                                     " key fingerprint(s), none of a key we trust");
  }

  const auto pq = detail::be_value(res->pq);
  if (!pq) throw ProtocolError(Refusal::bad_pq, "pq of " + std::to_string(res->pq.size()) + " bytes; 1..8 expected");
  std::uint64_t p = 0;
  std::uint64_t q = 0;
  try {
    std::tie(p, q) = crypto::factorize_pq(*pq);
  } catch (const crypto::Error& e) {
    throw ProtocolError(Refusal::bad_pq, std::string("pq is not a product of two primes: ") + e.what());
  }
  // factorize_pq promises this; the security argument rests on it, so it is checked here too.
  if (!(p < q) || !crypto::is_prime_u64(p) || !crypto::is_prime_u64(q)) {
    throw ProtocolError(Refusal::bad_pq, "pq does not split into primes p < q");
  }

  rng_.fill(new_nonce_);
  PqInnerData inner;
  inner.form = options_.expires_in ? InnerForm::temp_dc : InnerForm::dc;
  inner.pq = res->pq;
  inner.p = detail::be_bytes(p);
  inner.q = detail::be_bytes(q);
  inner.nonce = nonce_;
  inner.server_nonce = server_nonce_;
  inner.new_nonce = new_nonce_;
  inner.dc = options_.dc;
  inner.expires_in = options_.expires_in.value_or(0);
  auto data = encode_pq_inner_data(inner);
  crypto::secure_wipe(inner.new_nonce);
  const auto encrypted = crypto::rsa_pad_encrypt(*key, data, rng_);
  crypto::secure_wipe(data);

  tl::mt::req_DH_params req;
  req.nonce = nonce_;
  req.server_nonce = server_nonce_;
  req.p = inner.p;
  req.q = inner.q;
  req.public_key_fingerprint = static_cast<std::int64_t>(key->fingerprint());
  req.encrypted_data = detail::as_string(encrypted);
  return plain(tl::serialize(req));
}

std::vector<std::uint8_t> ClientHandshake::on_server_dh_params(std::span<const std::uint8_t> body) {
  const auto obj = detail::read_one_object(body, "answer to req_DH_params");
  if (const auto* fail = dynamic_cast<const tl::mt::server_DH_params_fail*>(obj.get())) {
    detail::expect_nonces(fail->nonce, fail->server_nonce, nonce_, server_nonce_, "server_DH_params_fail");
    if (fail->new_nonce_hash != detail::params_fail_hash(new_nonce_)) {
      throw ProtocolError(Refusal::bad_hash, "server_DH_params_fail with a new_nonce_hash not made from our new_nonce");
    }
    throw ProtocolError(Refusal::dh_gen_fail, "server refused req_DH_params (server_DH_params_fail)");
  }
  const auto* ok = dynamic_cast<const tl::mt::server_DH_params_ok*>(obj.get());
  if (ok == nullptr) throw ProtocolError(Refusal::malformed, refused_type(*obj, "server_DH_params_ok"));
  detail::expect_nonces(ok->nonce, ok->server_nonce, nonce_, server_nonce_, "server_DH_params_ok");

  const auto inner_obj = detail::decrypt_with_sha1(
      ok->encrypted_answer, detail::TmpAesKey(new_nonce_, server_nonce_).get(), "server_DH_inner_data");
  const auto* inner = dynamic_cast<const tl::mt::server_DH_inner_data*>(inner_obj.get());
  if (inner == nullptr) throw ProtocolError(Refusal::malformed, refused_type(*inner_obj, "server_DH_inner_data"));
  detail::expect_nonces(inner->nonce, inner->server_nonce, nonce_, server_nonce_, "server_DH_inner_data");

  try {
    crypto::check_dh_params(crypto::as_bytes(inner->dh_prime), inner->g);
  } catch (const crypto::Error& e) {
    throw ProtocolError(Refusal::bad_dh_params, e.what());
  }
  try {
    crypto::check_dh_value(crypto::as_bytes(inner->g_a), crypto::as_bytes(inner->dh_prime));
  } catch (const crypto::Error& e) {
    throw ProtocolError(Refusal::bad_dh_value, std::string("g_a: ") + e.what());
  }
  dh_prime_ = to_dh_bytes(inner->dh_prime);
  g_a_ = to_dh_bytes(inner->g_a);
  g_ = inner->g;
  server_time_ = inner->server_time;
  // Measured when server_time arrives, which is when it is freshest.
  time_offset_ns_ = std::int64_t{server_time_} * kNsPerSecond - clock_.unix_ns();
  return make_set_client_dh_params(0);
}

std::vector<std::uint8_t> ClientHandshake::make_set_client_dh_params(std::int64_t retry_id) {
  // make_dh_key draws b until g_b passes the same range checks we demand of g_a.
  auto dh = crypto::make_dh_key(g_, dh_prime_, rng_);
  auth_key_ = crypto::compute_auth_key(g_a_, dh.a, dh_prime_);
  crypto::secure_wipe(dh.a);

  tl::mt::client_DH_inner_data inner;
  inner.nonce = nonce_;
  inner.server_nonce = server_nonce_;
  inner.retry_id = retry_id;
  inner.g_b = detail::as_string(dh.g_a);  // DhKey names our public value g_a whichever side we are
  tl::mt::set_client_DH_params req;
  req.nonce = nonce_;
  req.server_nonce = server_nonce_;
  req.encrypted_data = detail::ige_encrypt(detail::with_sha1(tl::serialize(inner), rng_),
                                           detail::TmpAesKey(new_nonce_, server_nonce_).get());
  return plain(tl::serialize(req));
}

ClientStep ClientHandshake::on_dh_gen(std::span<const std::uint8_t> body) {
  const auto obj = detail::read_one_object(body, "answer to set_client_DH_params");
  if (const auto* ok = dynamic_cast<const tl::mt::dh_gen_ok*>(obj.get())) {
    detail::expect_nonces(ok->nonce, ok->server_nonce, nonce_, server_nonce_, "dh_gen_ok");
    if (!detail::same_hash(ok->new_nonce_hash1, crypto::new_nonce_hash(new_nonce_, 1, auth_key_))) {
      throw ProtocolError(Refusal::bad_hash, "dh_gen_ok: new_nonce_hash1 does not match our auth key");
    }
    HandshakeResult r;
    r.key.bytes = auth_key_;
    r.key.id = crypto::auth_key_id(auth_key_);
    r.server_salt = detail::initial_salt(new_nonce_, server_nonce_);
    r.time_offset_ns = time_offset_ns_;
    r.temporary = options_.expires_in.has_value();
    // In server time, as the server computes it; wraps only for lifetimes past 2038.
    r.expires_at = r.temporary ? static_cast<std::int32_t>(std::int64_t{server_time_} + *options_.expires_in) : 0;
    r.dc = options_.dc;
    wipe();  // the key now lives only in the result
    return {{}, std::move(r)};
  }
  if (const auto* retry = dynamic_cast<const tl::mt::dh_gen_retry*>(obj.get())) {
    detail::expect_nonces(retry->nonce, retry->server_nonce, nonce_, server_nonce_, "dh_gen_retry");
    if (!detail::same_hash(retry->new_nonce_hash2, crypto::new_nonce_hash(new_nonce_, 2, auth_key_))) {
      throw ProtocolError(Refusal::bad_hash, "dh_gen_retry: new_nonce_hash2 does not match our auth key");
    }
    if (++retries_ > kMaxRetries) {
      throw ProtocolError(Refusal::dh_gen_fail, "server answered dh_gen_retry " + std::to_string(retries_) + " times");
    }
    return {make_set_client_dh_params(detail::retry_id_of(auth_key_)), std::nullopt};
  }
  if (const auto* fail = dynamic_cast<const tl::mt::dh_gen_fail*>(obj.get())) {
    detail::expect_nonces(fail->nonce, fail->server_nonce, nonce_, server_nonce_, "dh_gen_fail");
    if (!detail::same_hash(fail->new_nonce_hash3, crypto::new_nonce_hash(new_nonce_, 3, auth_key_))) {
      throw ProtocolError(Refusal::bad_hash, "dh_gen_fail: new_nonce_hash3 does not match our auth key");
    }
    throw ProtocolError(Refusal::dh_gen_fail, "server answered dh_gen_fail");
  }
  throw ProtocolError(Refusal::malformed, refused_type(*obj, "dh_gen_ok, dh_gen_retry or dh_gen_fail"));
}

}  // namespace mtpipe::mtproto::handshake
