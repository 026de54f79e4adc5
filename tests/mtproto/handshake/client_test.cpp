// The client against a misbehaving or hostile server: every fault hook and every forged or garbled answer ends
// in a ProtocolError with the Refusal of the check that caught it, never in a crash or an accepted key.
#include <gtest/gtest.h>

#include "tl/serialize.h"
#include "crypto/auth_key.h"
#include "mtproto/handshake/wire.h"
#include "mtproto/plain_message.h"
#include "test_support.h"
#include "tl/api.h"

namespace mtpipe::mtproto::handshake::test {
namespace {

struct FaultCase {
  Fault fault;
  Refusal refusal;
  const char* says;  // a piece of the message, so the right check is known to have fired
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << to_string(c.fault); }

class ClientAgainstFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(ClientAgainstFault, RefusesWithTheRightKind) {
  const FaultCase c = GetParam();
  const ProtocolError e = client_error_against(Faults{c.fault});
  EXPECT_EQ(e.refusal(), c.refusal) << e.what();
  EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    EveryFault, ClientAgainstFault,
    ::testing::Values(FaultCase{Fault::bad_dh_prime, Refusal::bad_dh_params, "not prime"},
                      FaultCase{Fault::bad_g, Refusal::bad_dh_params, "g = 9"},
                      FaultCase{Fault::g_a_out_of_range, Refusal::bad_dh_value, "g_a"},
                      FaultCase{Fault::bad_inner_hash, Refusal::bad_hash, "server_DH_inner_data"},
                      FaultCase{Fault::wrong_nonce, Refusal::bad_nonce, "resPQ"},
                      FaultCase{Fault::wrong_server_nonce, Refusal::bad_nonce, "server_nonce"},
                      FaultCase{Fault::bad_new_nonce_hash, Refusal::bad_hash, "new_nonce_hash1"},
                      FaultCase{Fault::dh_gen_fail, Refusal::dh_gen_fail, "dh_gen_fail"},
                      FaultCase{Fault::dh_params_fail, Refusal::dh_gen_fail, "server_DH_params_fail"}),
    [](const auto& info) { return std::string(to_string(info.param.fault)); });

TEST(ClientFaults, RetryOnceIsFollowedBySuccess) {
  Pair t(21, client_options(), make_config(), {}, Faults{Fault::dh_gen_retry_once});
  const Outcome o = run_handshake(t.client, t.server);
  EXPECT_EQ(o.client_packets, 4);
  EXPECT_EQ(o.client.key.bytes, o.server.key.bytes);
}

TEST(ClientFaults, NamesRoundTrip) {
  for (const Fault f : kAllFaults) EXPECT_EQ(fault_from_string(to_string(f)), f);
  EXPECT_FALSE(fault_from_string("no_such_fault"));
  Faults set{Fault::bad_g};
  EXPECT_TRUE(set.has(Fault::bad_g));
  EXPECT_FALSE(set.has(Fault::bad_dh_prime));
  EXPECT_TRUE(Faults{}.none());
}

ProtocolError error_of(ClientHandshake& client, std::span<const std::uint8_t> packet) {
  try {
    client.on_packet(packet);
  } catch (const ProtocolError& e) {
    EXPECT_EQ(client.state(), ClientHandshake::State::failed);
    return e;
  }
  ADD_FAILURE() << "packet accepted";
  return ProtocolError(Refusal::malformed, "accepted");
}

// The server's answers of an honest run, to forge variants of.
struct Transcript {
  explicit Transcript(std::uint64_t seed) : t(seed) {
    res_pq = t.server.on_packet(t.client.start()).packet;
    req_dh = t.client.on_packet(res_pq).send;
    dh_params = t.server.on_packet(req_dh).packet;
    set_dh = t.client.on_packet(dh_params).send;
    const auto obj = object_in(res_pq);
    const auto& res = dynamic_cast<const tl::mt::resPQ&>(*obj);
    nonce = res.nonce;
    server_nonce = res.server_nonce;
  }
  Pair t;
  std::vector<std::uint8_t> res_pq, req_dh, dh_params, set_dh;
  tl::Int128 nonce{}, server_nonce{};
};

// A client that has sent req_pq_multi, and its nonce.
struct Started {
  explicit Started(std::uint64_t seed, ClientOptions o = client_options()) : t(seed, std::move(o)) {
    const auto fn = function_in(t.client.start());
    nonce = dynamic_cast<const tl::mt::req_pq_multi&>(*fn).nonce;
  }
  tl::mt::resPQ res_pq(std::string pq) const {
    tl::mt::resPQ r;
    r.nonce = nonce;
    r.pq = std::move(pq);
    r.server_public_key_fingerprints = {static_cast<std::int64_t>(server_rsa_key().public_key().fingerprint())};
    return r;
  }
  Pair t;
  tl::Int128 nonce{};
};

TEST(ClientChecks, PqMustBeAProductOfTwoPrimes) {
  const std::vector<std::string> bad = {
      detail::be_bytes(1'000'000'007),                    // a prime
      detail::be_bytes(3ull * 5 * 7 * 1'000'003),         // three factors
      detail::be_bytes(1'000'003ull * 1'000'003),         // a square
      std::string(9, '\x01'),                             // longer than 8 bytes
      std::string(),                                      // empty
  };
  for (const auto& pq : bad) {
    Started s(30);
    const auto e = error_of(s.t.client, packet_of(s.res_pq(pq)));
    EXPECT_EQ(e.refusal(), Refusal::bad_pq) << e.what();
  }
}

TEST(ClientChecks, UnknownFingerprintIsRefused) {
  Started s(31);
  auto r = s.res_pq(detail::be_bytes(1'000'003ull * 1'000'033));
  r.server_public_key_fingerprints = {1, 2, 3};
  const auto e = error_of(s.t.client, packet_of(r));
  EXPECT_EQ(e.refusal(), Refusal::bad_server_key) << e.what();
}

TEST(ClientChecks, PicksTheTrustedKeyAmongSeveralFingerprints) {
  Started s(32);
  auto r = s.res_pq(detail::be_bytes(1'000'003ull * 1'000'033));
  r.server_public_key_fingerprints.insert(r.server_public_key_fingerprints.begin(), 42);
  const auto step = s.t.client.on_packet(packet_of(r));
  const auto fn = function_in(step.send);
  EXPECT_EQ(static_cast<std::uint64_t>(dynamic_cast<const tl::mt::req_DH_params&>(*fn).public_key_fingerprint),
            server_rsa_key().public_key().fingerprint());
}

TEST(ClientChecks, ResPqOfAnotherHandshakeIsRefused) {
  Transcript other(33);
  Started s(34);
  const auto e = error_of(s.t.client, other.res_pq);
  EXPECT_EQ(e.refusal(), Refusal::bad_nonce) << e.what();
}

TEST(ClientChecks, ReplayedOrOutOfOrderAnswersAreRefused) {
  Transcript a(35);
  // resPQ again where server_DH_params belongs.
  EXPECT_EQ(error_of(a.t.client, a.res_pq).refusal(), Refusal::malformed);

  Transcript b(36);
  // server_DH_params_ok again where dh_gen_* belongs.
  EXPECT_EQ(error_of(b.t.client, b.dh_params).refusal(), Refusal::malformed);

  // An answer of a previous handshake after a restart.
  Transcript c(37);
  c.t.client.start();
  EXPECT_EQ(error_of(c.t.client, c.res_pq).refusal(), Refusal::bad_nonce);
}

TEST(ClientChecks, TamperedEncryptedAnswerIsRefused) {
  for (std::size_t at : {0u, 20u, 100u, 300u, 590u}) {
    Pair t(38);
    const auto res_pq = t.server.on_packet(t.client.start()).packet;
    const auto req_dh = t.client.on_packet(res_pq).send;
    const auto obj = object_in(t.server.on_packet(req_dh).packet);
    auto& ok = dynamic_cast<tl::mt::server_DH_params_ok&>(*obj);
    ASSERT_LT(at, ok.encrypted_answer.size());
    ok.encrypted_answer[at] ^= 0x40;
    const auto e = error_of(t.client, packet_of(ok));
    EXPECT_TRUE(e.refusal() == Refusal::bad_hash || e.refusal() == Refusal::malformed) << e.what();
  }
  // Not a whole number of AES blocks.
  Pair t(39);
  const auto res_pq = t.server.on_packet(t.client.start()).packet;
  const auto obj = object_in(t.server.on_packet(t.client.on_packet(res_pq).send).packet);
  auto& ok = dynamic_cast<tl::mt::server_DH_params_ok&>(*obj);
  ok.encrypted_answer.pop_back();
  EXPECT_EQ(error_of(t.client, packet_of(ok)).refusal(), Refusal::malformed);
}

TEST(ClientChecks, ForgedFailAndRetryAnswersAreRefused) {
  auto waiting_for_dh_params = [](std::uint64_t seed) {
    auto t = std::make_unique<Pair>(seed);
    const auto res_pq = t->server.on_packet(t->client.start()).packet;
    t->client.on_packet(res_pq);
    const auto obj = object_in(res_pq);
    const auto& r = dynamic_cast<const tl::mt::resPQ&>(*obj);
    return std::make_tuple(std::move(t), r.nonce, r.server_nonce);
  };
  {
    auto [t, nonce, server_nonce] = waiting_for_dh_params(43);
    tl::mt::server_DH_params_fail fail;
    fail.nonce = nonce, fail.server_nonce = server_nonce, fail.new_nonce_hash = {1, 2, 3};  // not from new_nonce
    EXPECT_EQ(error_of(t->client, packet_of(fail)).refusal(), Refusal::bad_hash);
  }
  for (int kind = 0; kind < 3; ++kind) {
    Transcript s(44);
    s.t.server.on_packet(s.set_dh);  // the server's genuine answer is dropped; a forgery arrives instead
    std::vector<std::uint8_t> forged;
    if (kind == 0) {
      tl::mt::dh_gen_ok m;
      m.nonce = s.nonce, m.server_nonce = s.server_nonce;
      forged = packet_of(m);
    } else if (kind == 1) {
      tl::mt::dh_gen_retry m;
      m.nonce = s.nonce, m.server_nonce = s.server_nonce;
      forged = packet_of(m);
    } else {
      tl::mt::dh_gen_fail m;
      m.nonce = s.nonce, m.server_nonce = s.server_nonce;
      forged = packet_of(m);
    }
    EXPECT_EQ(error_of(s.t.client, forged).refusal(), Refusal::bad_hash) << kind;
  }
}

TEST(ClientChecks, GarbageIsMalformed) {
  const std::vector<std::vector<std::uint8_t>> garbage = {
      {},
      {1, 2, 3, 4, 5},
      std::vector<std::uint8_t>(40, 0x5a),
      make_plain_message(1, std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef}),
      make_plain_message(1, std::vector<std::uint8_t>(3, 0)),
  };
  for (const auto& g : garbage) {
    Started s(45);
    EXPECT_EQ(error_of(s.t.client, g).refusal(), Refusal::malformed);
  }
  // Trailing bytes after a valid resPQ.
  Started s(46);
  auto body = tl::serialize(s.res_pq(detail::be_bytes(1'000'003ull * 1'000'033)));
  body.resize(body.size() + 4);
  EXPECT_EQ(error_of(s.t.client, make_plain_message(1, body)).refusal(), Refusal::malformed);
}

TEST(ClientChecks, EvenServerMsgIdIsRefused) {
  Started s(47);
  const auto e = error_of(s.t.client, packet_of(s.res_pq(detail::be_bytes(1'000'003ull * 1'000'033)), 8));
  EXPECT_EQ(e.refusal(), Refusal::bad_msg_id);
}

TEST(ClientChecks, NothingIsAcceptedWithoutAHandshakeInProgress) {
  Pair t(48);
  EXPECT_EQ(error_of(t.client, packet_of(tl::mt::resPQ{})).refusal(), Refusal::malformed);
  // A failed handshake stays failed until start().
  Started s(49);
  error_of(s.t.client, std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_EQ(error_of(s.t.client, packet_of(s.res_pq(detail::be_bytes(1'000'003ull * 1'000'033)))).refusal(),
            Refusal::malformed);
  // A finished one too.
  Pair done(50);
  run_handshake(done.client, done.server);
  EXPECT_EQ(error_of(done.client, packet_of(tl::mt::resPQ{})).refusal(), Refusal::malformed);
}

TEST(ClientChecks, NeedsAServerKey) {
  SeededRng rng(1);
  ManualClock clock;
  EXPECT_THROW(ClientHandshake(ClientOptions{}, rng, clock), std::invalid_argument);
}

}  // namespace
}  // namespace mtpipe::mtproto::handshake::test
