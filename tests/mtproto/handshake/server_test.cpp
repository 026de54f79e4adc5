// The server against hand-built clients: the legacy RSA scheme and inner data forms other libraries send,
// transport errors -444 and -404 (and -404 sticking to a failed handshake), repeats and garbage.
#include <gtest/gtest.h>

#include "crypto/bytes.h"
#include "tl/serialize.h"
#include "crypto/auth_key.h"
#include "crypto/dh.h"
#include "crypto/pq.h"
#include "mtproto/handshake/inner_cipher.h"
#include "mtproto/handshake/inner_data.h"
#include "mtproto/handshake/wire.h"
#include "mtproto/plain_message.h"
#include "test_support.h"
#include "tl/api.h"

namespace mtpipe::mtproto::handshake::test {
namespace {

using detail::as_string;

// A client built step by step from the page, the way Telethon and GramJS do it, so each step can be bent.
class ManualClient {
 public:
  explicit ManualClient(std::uint64_t seed) : rng_(seed) { rng_.fill(nonce); }

  std::vector<std::uint8_t> req_pq(bool legacy = false) {
    if (legacy) {
      tl::mt::req_pq r;
      r.nonce = nonce;
      return packet_of(r, next_id());
    }
    tl::mt::req_pq_multi r;
    r.nonce = nonce;
    return packet_of(r, next_id());
  }

  void read_res_pq(const ServerReply& reply) {
    ASSERT_EQ(reply.kind, ServerReply::Kind::send) << reply.note;
    const auto obj = object_in(reply.packet);
    const auto& res = dynamic_cast<const tl::mt::resPQ&>(*obj);
    server_nonce = res.server_nonce;
    pq = res.pq;
    const auto [fp, fq] = crypto::factorize_pq(*detail::be_value(res.pq));
    p = detail::be_bytes(fp);
    q = detail::be_bytes(fq);
  }

  std::vector<std::uint8_t> req_dh_params(RsaScheme scheme, InnerForm form, std::int32_t dc = 2) {
    rng_.fill(new_nonce);
    PqInnerData d;
    d.form = form;
    d.pq = pq, d.p = p, d.q = q;
    d.nonce = nonce, d.server_nonce = server_nonce, d.new_nonce = new_nonce;
    d.dc = dc;
    d.expires_in = expires_in;
    const auto data = encode_pq_inner_data(d);
    const auto pub = server_rsa_key().public_key();
    tl::mt::req_DH_params r;
    r.nonce = nonce, r.server_nonce = server_nonce, r.p = p, r.q = q;
    r.public_key_fingerprint = static_cast<std::int64_t>(pub.fingerprint());
    r.encrypted_data = as_string(scheme == RsaScheme::legacy ? crypto::rsa_legacy_encrypt(pub, data, rng_)
                                                             : crypto::rsa_pad_encrypt(pub, data, rng_));
    return packet_of(r, next_id());
  }

  void read_server_dh(const ServerReply& reply) {
    ASSERT_EQ(reply.kind, ServerReply::Kind::send) << reply.note;
    const auto obj = object_in(reply.packet);
    const auto& ok = dynamic_cast<const tl::mt::server_DH_params_ok&>(*obj);
    const auto inner_obj = detail::decrypt_with_sha1(ok.encrypted_answer, key().get(), "test");
    const auto& inner = dynamic_cast<const tl::mt::server_DH_inner_data&>(*inner_obj);
    EXPECT_EQ(inner.nonce, nonce);
    EXPECT_EQ(inner.g, 3);
    EXPECT_EQ(inner.dh_prime, as_string(crypto::kTelegramDhPrime));
    g_a = inner.g_a;
    server_time = inner.server_time;
  }

  // set_client_DH_params with a fresh b, or with `g_b` as given.
  std::vector<std::uint8_t> set_client_dh(std::optional<std::string> g_b = std::nullopt, std::int64_t retry_id = 0) {
    const auto dh = crypto::make_dh_key(3, crypto::kTelegramDhPrime, rng_);
    auth_key = crypto::compute_auth_key(crypto::as_bytes(g_a), dh.a, crypto::kTelegramDhPrime);
    tl::mt::client_DH_inner_data inner;
    inner.nonce = nonce, inner.server_nonce = server_nonce, inner.retry_id = retry_id;
    inner.g_b = g_b.value_or(as_string(dh.g_a));
    tl::mt::set_client_DH_params r;
    r.nonce = nonce, r.server_nonce = server_nonce;
    r.encrypted_data = detail::ige_encrypt(detail::with_sha1(tl::serialize(inner), rng_), key().get());
    return packet_of(r, next_id());
  }

  // The honest first two steps against `server`, ready for set_client_dh.
  void reach_set_client_dh(ServerHandshake& server) {
    read_res_pq(server.on_packet(req_pq()));
    read_server_dh(server.on_packet(req_dh_params(RsaScheme::rsa_pad, InnerForm::dc)));
  }

  void expect_dh_gen_ok(const ServerReply& reply) {
    ASSERT_EQ(reply.kind, ServerReply::Kind::done) << reply.note;
    const auto obj = object_in(reply.packet);
    const auto& ok = dynamic_cast<const tl::mt::dh_gen_ok&>(*obj);
    EXPECT_TRUE(detail::same_hash(ok.new_nonce_hash1, crypto::new_nonce_hash(new_nonce, 1, auth_key)));
    EXPECT_EQ(reply.result->key.bytes, auth_key);
  }

  tl::Int128 nonce{};
  tl::Int128 server_nonce{};
  tl::Int256 new_nonce{};
  std::string pq, p, q, g_a;
  std::int32_t server_time = 0;
  std::int32_t expires_in = 86400;  // for the temp forms
  std::array<std::uint8_t, 256> auth_key{};

 private:
  detail::TmpAesKey key() const { return detail::TmpAesKey(new_nonce, server_nonce); }
  std::int64_t next_id() { return msg_id_ += 4; }
  SeededRng rng_;
  std::int64_t msg_id_ = (kNow / kNsPerSecond) << 32;
};

void expect_404(const ServerReply& r, std::string_view says) {
  EXPECT_EQ(r.kind, ServerReply::Kind::transport_error);
  EXPECT_EQ(r.error_code, kHandshakeRefused);
  EXPECT_NE(r.note.find(says), std::string::npos) << r.note;
}

struct ServerFixture {
  explicit ServerFixture(bool test_mode = false) : server(make_config(test_mode), rng, clock) {}
  SeededRng rng{99};
  ManualClock clock{kNow};
  ServerHandshake server;
};

void run_manual(RsaScheme scheme, InnerForm form, bool legacy_req_pq) {
  ServerFixture f;
  ManualClient c(1);
  c.read_res_pq(f.server.on_packet(c.req_pq(legacy_req_pq)));
  c.read_server_dh(f.server.on_packet(c.req_dh_params(scheme, form)));
  const auto done = f.server.on_packet(c.set_client_dh());
  c.expect_dh_gen_ok(done);
  ASSERT_TRUE(done.result);
  EXPECT_EQ(done.result->temporary, form == InnerForm::legacy_temp || form == InnerForm::temp_dc);
  EXPECT_EQ(done.result->dc, form == InnerForm::dc || form == InnerForm::temp_dc ? 2 : 0);
}

TEST(Server, TelethonStyleLegacyRsaAndLegacyInnerData) { run_manual(RsaScheme::legacy, InnerForm::legacy, true); }
TEST(Server, GramJsStyleRsaPadAndLegacyInnerData) { run_manual(RsaScheme::rsa_pad, InnerForm::legacy, false); }
TEST(Server, LegacyRsaWithDcInnerData) { run_manual(RsaScheme::legacy, InnerForm::dc, false); }
TEST(Server, LegacyRsaWithTempDcInnerData) { run_manual(RsaScheme::legacy, InnerForm::temp_dc, false); }
TEST(Server, RsaPadWithLegacyTempInnerData) { run_manual(RsaScheme::rsa_pad, InnerForm::legacy_temp, false); }

TEST(Server, TestDcIdOnProductionServerIs444) {
  ServerFixture f(false);
  ManualClient c(2);
  c.read_res_pq(f.server.on_packet(c.req_pq()));
  const auto r = f.server.on_packet(c.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc, 10002));
  ASSERT_EQ(r.kind, ServerReply::Kind::transport_error);
  EXPECT_EQ(r.error_code, kWrongEnvironment);
  EXPECT_NE(r.note.find("10002"), std::string::npos) << r.note;
}

TEST(Server, ProductionDcIdOnTestServerIs444) {
  ServerFixture f(true);
  ManualClient c(3);
  c.read_res_pq(f.server.on_packet(c.req_pq()));
  const auto r = f.server.on_packet(c.req_dh_params(RsaScheme::rsa_pad, InnerForm::temp_dc, -2));
  EXPECT_EQ(r.error_code, kWrongEnvironment);
  // Our client reads the 4-byte transport error as such.
  Pair t(3, client_options(2), make_config(true));
  t.client.start();
  const std::vector<std::uint8_t> code{0x44, 0xfe, 0xff, 0xff};  // -444 little-endian
  try {
    t.client.on_packet(code);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.refusal(), Refusal::transport_error);
    EXPECT_NE(std::string(e.what()).find("-444"), std::string::npos) << e.what();
  }
}

TEST(Server, RefusedStepMakesEveryLaterPacketOfThatHandshake404) {
  ServerFixture f;
  ManualClient c(4);
  c.read_res_pq(f.server.on_packet(c.req_pq()));
  const auto good = c.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc);
  auto bad = good;
  bad.back() ^= 0x01;  // the last byte of encrypted_data: RSA_PAD's hash no longer matches
  auto r = f.server.on_packet(bad);
  ASSERT_EQ(r.kind, ServerReply::Kind::transport_error);
  EXPECT_EQ(r.error_code, kHandshakeRefused);
  EXPECT_EQ(f.server.state(), ServerHandshake::State::failed);
  // The correct request now gets -404 too, and so does restarting with the same nonce.
  EXPECT_EQ(f.server.on_packet(good).error_code, kHandshakeRefused);
  EXPECT_EQ(f.server.on_packet(c.req_pq()).error_code, kHandshakeRefused);
  EXPECT_EQ(f.server.on_packet(c.req_pq(true)).error_code, kHandshakeRefused);
  // A fresh nonce starts over on the same connection.
  ClientHandshake client(client_options(), f.rng, f.clock);
  const Outcome o = run_handshake(client, f.server);
  EXPECT_EQ(o.client.key.bytes, o.server.key.bytes);
}

TEST(Server, WrongPOrQIs404) {
  ServerFixture f;
  ManualClient c(5);
  c.read_res_pq(f.server.on_packet(c.req_pq()));
  std::swap(c.p, c.q);
  expect_404(f.server.on_packet(c.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc)), "p and q");
}

TEST(Server, UnknownFingerprintIs404) {
  ServerFixture f;
  ManualClient c(6);
  c.read_res_pq(f.server.on_packet(c.req_pq()));
  const auto packet = c.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc);
  const auto fn = function_in(packet);
  auto& req = dynamic_cast<tl::mt::req_DH_params&>(*fn);
  req.public_key_fingerprint ^= 1;
  expect_404(f.server.on_packet(packet_of(req)), "fingerprint");
}

TEST(Server, GbOutOfRangeIs404) {
  for (const std::string& g_b : {std::string(1, '\x01'), as_string(crypto::kTelegramDhPrime), std::string(1, '\x02')}) {
    ServerFixture f;
    ManualClient c(7);
    c.reach_set_client_dh(f.server);
    expect_404(f.server.on_packet(c.set_client_dh(g_b)), "g_b");
  }
}

TEST(Server, WrongRetryIdIs404) {
  ServerFixture f;
  ManualClient c(8);
  c.reach_set_client_dh(f.server);
  expect_404(f.server.on_packet(c.set_client_dh(std::nullopt, 12345)), "retry_id");
}

TEST(Server, ExactRepeatGetsTheSameAnswer) {
  ServerFixture f;
  ManualClient c(9);
  const auto first = c.req_pq();
  const auto a = f.server.on_packet(first);
  const auto b = f.server.on_packet(first);
  ASSERT_EQ(b.kind, ServerReply::Kind::send);
  EXPECT_EQ(parse_plain_message(a.packet).body.size(), parse_plain_message(b.packet).body.size());
  EXPECT_TRUE(std::ranges::equal(parse_plain_message(a.packet).body, parse_plain_message(b.packet).body));
  EXPECT_NE(parse_plain_message(a.packet).msg_id, parse_plain_message(b.packet).msg_id);
  c.read_res_pq(b);
  const auto dh = c.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc);
  const auto x = f.server.on_packet(dh);
  const auto y = f.server.on_packet(dh);
  EXPECT_TRUE(std::ranges::equal(parse_plain_message(x.packet).body, parse_plain_message(y.packet).body));
  c.read_server_dh(y);
  const auto set = c.set_client_dh();
  const auto done = f.server.on_packet(set);
  c.expect_dh_gen_ok(done);
  // A repeat after the key is made gets dh_gen_ok again, but no second key.
  const auto again = f.server.on_packet(set);
  EXPECT_EQ(again.kind, ServerReply::Kind::send);
  EXPECT_TRUE(std::ranges::equal(parse_plain_message(done.packet).body, parse_plain_message(again.packet).body));
}

TEST(Server, ReplayFromAnotherHandshakeIs404) {
  ServerFixture f;
  ManualClient old(10);
  old.read_res_pq(f.server.on_packet(old.req_pq()));
  const auto stale = old.req_dh_params(RsaScheme::rsa_pad, InnerForm::dc);
  ManualClient c(11);
  c.read_res_pq(f.server.on_packet(c.req_pq()));  // a new handshake replaces the old one
  expect_404(f.server.on_packet(stale), "another nonce");
}

TEST(Server, GarbageAndOutOfOrderPacketsAre404) {
  const std::vector<std::vector<std::uint8_t>> garbage = {
      {},
      {1, 2, 3},
      std::vector<std::uint8_t>(64, 0xab),                              // not a plain message (auth_key_id != 0)
      make_plain_message(4, std::vector<std::uint8_t>{1, 2, 3, 4}),  // unknown constructor
  };
  for (const auto& g : garbage) {
    ServerFixture f;
    const auto r = f.server.on_packet(g);
    EXPECT_EQ(r.kind, ServerReply::Kind::transport_error);
    EXPECT_EQ(r.error_code, kHandshakeRefused);
  }
  // A constructor where a request belongs, and each request before its turn.
  ServerFixture f;
  tl::mt::resPQ res;
  EXPECT_EQ(f.server.on_packet(packet_of(res)).error_code, kHandshakeRefused);
  ServerFixture g;
  ManualClient c(12);
  tl::mt::set_client_DH_params early;
  early.nonce = c.nonce;
  EXPECT_EQ(g.server.on_packet(packet_of(early)).error_code, kHandshakeRefused);
  // A request with trailing bytes.
  ServerFixture h;
  const auto packet = c.req_pq();
  const auto plain = parse_plain_message(packet);
  std::vector<std::uint8_t> body(plain.body.begin(), plain.body.end());
  body.resize(body.size() + 4);
  EXPECT_EQ(h.server.on_packet(make_plain_message(4, body)).error_code, kHandshakeRefused);
}

TEST(Server, TempKeyWithoutALifetimeIs404) {
  for (const std::int32_t expires_in : {0, -5, 0x7fffffff}) {
    ServerFixture f;
    ManualClient c(13);
    c.expires_in = expires_in;
    c.read_res_pq(f.server.on_packet(c.req_pq()));
    expect_404(f.server.on_packet(c.req_dh_params(RsaScheme::rsa_pad, InnerForm::temp_dc)), "expires_in");
  }
}

}  // namespace
}  // namespace mtpipe::mtproto::handshake::test
