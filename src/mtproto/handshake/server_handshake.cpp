#include "tl/serialize.h"
#include "mtproto/handshake/server_handshake.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

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


// A dc field of another environment: answered -444 instead of -404.
class WrongEnvironment : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// pq's factors: random primes in [2^30, sqrt(2^63)), so that pq < 2^63 fits the signed long clients parse it
// into, and is large enough to be real work like Telegram's.
constexpr std::uint64_t kPrimeLow = std::uint64_t{1} << 30;
constexpr std::uint64_t kPrimeHigh = 3'037'000'499;  // floor(sqrt(2^63 - 1))

std::uint64_t random_prime(crypto::Rng& rng) {
  for (;;) {
    std::array<std::uint8_t, 4> r{};
    rng.fill(r);
    const std::uint64_t x = (std::uint64_t{r[0]} << 24) | (std::uint64_t{r[1]} << 16) | (std::uint64_t{r[2]} << 8) | r[3];
    std::uint64_t c = (kPrimeLow + x % (kPrimeHigh - kPrimeLow)) | 1;
    while (c < kPrimeHigh && !crypto::is_prime_u64(c)) c += 2;
    if (c < kPrimeHigh) return c;
  }
}

bool is_test_dc(std::int32_t dc) noexcept {
  const std::int64_t abs = dc < 0 ? -std::int64_t{dc} : dc;
  return abs > 10000;
}

}  // namespace

ServerHandshake::ServerHandshake(std::shared_ptr<const ServerConfig> config, crypto::Rng& rng, const Clock& clock,
                                 KeyIdTaken key_id_taken, Faults faults)
    : config_(std::move(config)), rng_(rng), clock_(clock), key_id_taken_(std::move(key_id_taken)), faults_(faults) {
  if (!config_) throw std::invalid_argument("ServerHandshake needs a ServerConfig");
}

ServerHandshake::~ServerHandshake() { wipe(); }

void ServerHandshake::wipe() noexcept {
  crypto::secure_wipe(new_nonce_);
  crypto::secure_wipe(dh_.a);
}

ServerReply ServerHandshake::reply(std::vector<std::uint8_t> body) {
  ServerReply r;
  r.packet = make_plain_message(msg_ids_.next(clock_.unix_ns()), body);
  last_reply_ = std::move(body);
  return r;
}

ServerReply ServerHandshake::refuse(std::int32_t code, std::string why) {
  state_ = State::failed;
  if (started_) failed_nonce_ = nonce_;
  wipe();
  last_request_.clear();
  last_reply_.clear();
  ServerReply r;
  r.kind = ServerReply::Kind::transport_error;
  r.error_code = code;
  r.note = std::move(why);
  return r;
}

ServerReply ServerHandshake::on_packet(std::span<const std::uint8_t> packet) {
  try {
    const PlainMessage msg = parse_plain_message(packet);
    if (state_ != State::failed && !last_request_.empty() && std::ranges::equal(msg.body, last_request_)) {
      return reply(last_reply_);  // a retransmission: same answer, fresh msg_id
    }
    std::vector<std::uint8_t> request(msg.body.begin(), msg.body.end());
    ServerReply r = handle(msg.body);
    if (r.kind != ServerReply::Kind::transport_error) last_request_ = std::move(request);
    return r;
  } catch (const WrongEnvironment& e) {
    return refuse(kWrongEnvironment, e.what());
  } catch (const ProtocolError& e) {
    return refuse(kHandshakeRefused, e.what());
  } catch (const crypto::Error& e) {
    return refuse(kHandshakeRefused, e.what());
  }
}

ServerReply ServerHandshake::handle(std::span<const std::uint8_t> body) {
  const auto fn = detail::read_one_function(body, "handshake request");
  if (const auto* r = dynamic_cast<const tl::mt::req_pq_multi*>(fn.get())) return on_req_pq(r->nonce);
  if (const auto* r = dynamic_cast<const tl::mt::req_pq*>(fn.get())) return on_req_pq(r->nonce);
  if (state_ == State::failed) {
    throw ProtocolError(Refusal::malformed, std::string(fn->tl_name()) + " after a refused step; start with req_pq_multi");
  }
  if (fn->tl_id() == tl::mt::req_DH_params::ID) return on_req_dh_params(*fn);
  if (fn->tl_id() == tl::mt::set_client_DH_params::ID) return on_set_client_dh_params(*fn);
  throw ProtocolError(Refusal::malformed, std::string(fn->tl_name()) + " is not a handshake request");
}

ServerReply ServerHandshake::on_req_pq(const tl::Int128& nonce) {
  if (failed_nonce_ == nonce) throw ProtocolError(Refusal::bad_nonce, "req_pq with the nonce of a refused handshake");
  if (started_ && nonce == nonce_) throw ProtocolError(Refusal::bad_nonce, "req_pq repeats the nonce of the last handshake");
  wipe();
  failed_nonce_.reset();
  started_ = true;
  nonce_ = nonce;
  rng_.fill(server_nonce_);
  do {
    p_ = random_prime(rng_);
    q_ = random_prime(rng_);
  } while (p_ == q_);
  if (p_ > q_) std::swap(p_, q_);
  retries_ = 0;
  expected_retry_id_ = 0;
  forced_retry_done_ = false;

  tl::mt::resPQ res;
  res.nonce = faults_.has(Fault::wrong_nonce) ? detail::corrupted(nonce_) : nonce_;
  res.server_nonce = server_nonce_;
  res.pq = detail::be_bytes(p_ * q_);
  for (const auto& k : config_->keys()) res.server_public_key_fingerprints.push_back(static_cast<std::int64_t>(k.fingerprint));
  state_ = State::wait_req_dh_params;
  return reply(tl::serialize(res));
}

ServerReply ServerHandshake::on_req_dh_params(const tl::Object& obj) {
  const auto& req = static_cast<const tl::mt::req_DH_params&>(obj);
  if (state_ != State::wait_req_dh_params) throw ProtocolError(Refusal::malformed, "req_DH_params out of order");
  detail::expect_nonces(req.nonce, req.server_nonce, nonce_, server_nonce_, "req_DH_params");
  if (detail::be_value(req.p) != p_ || detail::be_value(req.q) != q_) {
    throw ProtocolError(Refusal::bad_pq, "req_DH_params: p and q are not the factors of our pq");
  }
  const auto* key = config_->find(static_cast<std::uint64_t>(req.public_key_fingerprint));
  if (key == nullptr) throw ProtocolError(Refusal::bad_server_key, "req_DH_params names a key fingerprint we do not have");

  // Either RSA scheme is equally acceptable.
  PqInnerData inner = decrypt_pq_inner_data(*key, crypto::as_bytes(req.encrypted_data)).data;
  new_nonce_ = inner.new_nonce;
  crypto::secure_wipe(inner.new_nonce);
  if (detail::be_value(inner.pq) != p_ * q_ || detail::be_value(inner.p) != p_ || detail::be_value(inner.q) != q_) {
    throw ProtocolError(Refusal::bad_pq, "p_q_inner_data: pq, p or q differ from the handshake's");
  }
  detail::expect_nonces(inner.nonce, inner.server_nonce, nonce_, server_nonce_, "p_q_inner_data");

  std::string note;
  if (inner.has_dc()) {
    if (is_test_dc(inner.dc) != config_->test_mode()) {
      throw WrongEnvironment("client asked for dc " + std::to_string(inner.dc) + " of the " +
                             (is_test_dc(inner.dc) ? "test" : "production") + " environment");
    }
    const std::int32_t id = static_cast<std::int32_t>((inner.dc < 0 ? -std::int64_t{inner.dc} : inner.dc) % 10000);
    if (id != config_->dc_id()) {
      note = "client sent dc " + std::to_string(inner.dc) + " to DC " + std::to_string(config_->dc_id());
    }
  }
  temporary_ = inner.temporary();
  expires_in_ = inner.expires_in;
  dc_ = inner.dc;
  const std::int64_t now_s = clock_.unix_ns() / kNsPerSecond;
  if (temporary_ && (expires_in_ <= 0 || now_s + expires_in_ > std::numeric_limits<std::int32_t>::max())) {
    throw ProtocolError(Refusal::malformed, "temporary key with expires_in " + std::to_string(expires_in_));
  }
  server_time_ = static_cast<std::int32_t>(now_s);

  if (faults_.has(Fault::dh_params_fail)) {
    tl::mt::server_DH_params_fail fail;
    fail.nonce = nonce_;
    fail.server_nonce = server_nonce_;
    fail.new_nonce_hash = detail::params_fail_hash(new_nonce_);
    ServerReply r = reply(tl::serialize(fail));
    state_ = State::failed;
    failed_nonce_ = nonce_;
    wipe();
    return r;
  }

  dh_ = detail::make_server_dh(faults_, rng_);
  tl::mt::server_DH_inner_data answer;
  answer.nonce = nonce_;
  answer.server_nonce = server_nonce_;
  answer.g = dh_.g;
  answer.dh_prime = detail::as_string(dh_.dh_prime);
  answer.g_a = detail::as_string(dh_.g_a);
  answer.server_time = server_time_;
  auto with_hash = detail::with_sha1(tl::serialize(answer), rng_);
  if (faults_.has(Fault::bad_inner_hash)) with_hash[0] ^= 0x01;

  tl::mt::server_DH_params_ok ok;
  ok.nonce = nonce_;
  ok.server_nonce = faults_.has(Fault::wrong_server_nonce) ? detail::corrupted(server_nonce_) : server_nonce_;
  ok.encrypted_answer = detail::ige_encrypt(with_hash, detail::TmpAesKey(new_nonce_, server_nonce_).get());
  state_ = State::wait_set_client_dh_params;
  ServerReply r = reply(tl::serialize(ok));
  r.note = std::move(note);
  return r;
}

ServerReply ServerHandshake::on_set_client_dh_params(const tl::Object& obj) {
  const auto& req = static_cast<const tl::mt::set_client_DH_params&>(obj);
  if (state_ != State::wait_set_client_dh_params) {
    throw ProtocolError(Refusal::malformed, "set_client_DH_params out of order");
  }
  detail::expect_nonces(req.nonce, req.server_nonce, nonce_, server_nonce_, "set_client_DH_params");
  const auto inner_obj = detail::decrypt_with_sha1(
      req.encrypted_data, detail::TmpAesKey(new_nonce_, server_nonce_).get(), "client_DH_inner_data");
  const auto* inner = dynamic_cast<const tl::mt::client_DH_inner_data*>(inner_obj.get());
  if (inner == nullptr) {
    throw ProtocolError(Refusal::malformed, "expected client_DH_inner_data, got " + std::string(inner_obj->tl_name()));
  }
  detail::expect_nonces(inner->nonce, inner->server_nonce, nonce_, server_nonce_, "client_DH_inner_data");
  if (inner->retry_id != expected_retry_id_) {
    throw ProtocolError(Refusal::malformed, "client_DH_inner_data: retry_id is not the auth_key_aux_hash of the "
                                            "last attempt (0 on the first)");
  }
  try {
    crypto::check_dh_value(crypto::as_bytes(inner->g_b), dh_.dh_prime);
  } catch (const crypto::Error& e) {
    throw ProtocolError(Refusal::bad_dh_value, std::string("g_b: ") + e.what());
  }
  // Always the full 256 bytes, leading zeros included: the clients that build a shorter key then fail the
  // new_nonce_hash1 check and start over, which we allow (peers.md §3.3).
  auto auth_key = crypto::compute_auth_key(crypto::as_bytes(inner->g_b), dh_.a, dh_.dh_prime);
  const std::uint64_t key_id = crypto::auth_key_id(auth_key);

  const bool forced_retry = faults_.has(Fault::dh_gen_retry_once) && !forced_retry_done_;
  const bool collision = forced_retry || (key_id_taken_ && key_id_taken_(key_id));
  if (faults_.has(Fault::dh_gen_fail) || (collision && retries_ >= kMaxRetries)) {
    tl::mt::dh_gen_fail fail;
    fail.nonce = nonce_;
    fail.server_nonce = server_nonce_;
    fail.new_nonce_hash3 = crypto::new_nonce_hash(new_nonce_, 3, auth_key);
    ServerReply r = reply(tl::serialize(fail));
    crypto::secure_wipe(auth_key);
    state_ = State::failed;
    failed_nonce_ = nonce_;
    wipe();
    return r;
  }
  if (collision) {
    forced_retry_done_ = true;
    ++retries_;
    expected_retry_id_ = detail::retry_id_of(auth_key);
    tl::mt::dh_gen_retry retry;
    retry.nonce = nonce_;
    retry.server_nonce = server_nonce_;
    retry.new_nonce_hash2 = crypto::new_nonce_hash(new_nonce_, 2, auth_key);
    crypto::secure_wipe(auth_key);
    return reply(tl::serialize(retry));
  }

  tl::mt::dh_gen_ok ok;
  ok.nonce = nonce_;
  ok.server_nonce = server_nonce_;
  ok.new_nonce_hash1 = crypto::new_nonce_hash(new_nonce_, 1, auth_key);
  if (faults_.has(Fault::bad_new_nonce_hash)) ok.new_nonce_hash1 = detail::corrupted(ok.new_nonce_hash1);

  HandshakeResult result;
  result.key.bytes = auth_key;
  result.key.id = key_id;
  result.server_salt = detail::initial_salt(new_nonce_, server_nonce_);
  result.temporary = temporary_;
  result.expires_at = temporary_ ? server_time_ + expires_in_ : 0;
  result.dc = dc_;
  crypto::secure_wipe(auth_key);

  ServerReply r = reply(tl::serialize(ok));
  r.kind = ServerReply::Kind::done;
  r.result = std::move(result);
  state_ = State::idle;  // ready for another handshake on this connection
  wipe();
  return r;
}

}  // namespace mtpipe::mtproto::handshake
