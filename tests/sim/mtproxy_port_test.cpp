// The sim's MTProxy port: only obfuscated connections keyed with a configured secret get through, and each is
// served by the DC its header names (media and test DC ids folded onto the plain id).
#include <gtest/gtest.h>

#include "sim/ready_file.h"
#include "sim_fixture.h"
#include "tl/api.h"
#include "tl/hex.h"

namespace mtpipe {
namespace {

using namespace std::chrono_literals;
using mtproto::transport::Framing;
using mtproto::transport::MtproxySecret;
using testing::run;
namespace asio = boost::asio;
namespace api = tl::api;

constexpr std::string_view kSimpleSecret = "00112233445566778899aabbccddeeff";
constexpr std::string_view kPaddedSecret = "dd0123456789abcdef0123456789abcdef";

sim::SimOptions with_secrets() {
  sim::SimOptions o;
  o.mtproxy_secrets.push_back(sim::parse_mtproxy_secret(kSimpleSecret));
  o.mtproxy_secrets.push_back(sim::parse_mtproxy_secret(kPaddedSecret));
  return o;
}

// Connects through the MTProxy port with `secret`, asking for DC `header_dc`, and returns the DC that answered.
std::int32_t answering_dc(testing::SimFixture& sim, std::string_view secret, std::int16_t header_dc, Framing framing) {
  asio::io_context io;
  const std::int32_t plain_dc = std::abs(header_dc) % 10000;
  auto o = sim.options({framing, true}, plain_dc);
  o.proxy = sim::parse_mtproxy_secret(secret);
  o.proxy_dc = header_dc;
  auto connection = sim.dial_port(io, std::move(o), sim.server().mtproxy_port());
  run(io, connection->start());
  const auto answer = run(io, connection->invoke(api::help::getNearestDc{}, 10s));
  connection->close();
  return dynamic_cast<const api::nearestDc&>(*answer).this_dc;
}

TEST(MtproxyPort, ServesTheDcTheHeaderNames) {
  testing::SimFixture sim(with_secrets());
  ASSERT_NE(sim.server().mtproxy_port(), 0);
  EXPECT_EQ(answering_dc(sim, kSimpleSecret, 3, Framing::intermediate), 3);
  EXPECT_EQ(answering_dc(sim, kSimpleSecret, 1, Framing::abridged), 1);
  EXPECT_EQ(answering_dc(sim, kPaddedSecret, -2, Framing::padded_intermediate), 2) << "a media DC id";
  EXPECT_EQ(answering_dc(sim, kPaddedSecret, 10003, Framing::padded_intermediate), 3) << "a test DC id";
  EXPECT_EQ(sim.server().dc(2).stats.connections.load(), 2u);
}

TEST(MtproxyPort, ReadyFileNamesThePort) {
  testing::SimFixture sim(with_secrets());
  const auto ready = sim::ReadyFile::parse(sim.server().ready_json());
  EXPECT_EQ(ready.mtproxy_port, sim.server().mtproxy_port());
  testing::SimFixture plain;
  EXPECT_EQ(plain.server().mtproxy_port(), 0);
  EXPECT_FALSE(sim::ReadyFile::parse(plain.server().ready_json()).mtproxy_port.has_value());
}

TEST(MtproxyPort, RefusesAnotherSecretAPlainConnectionAndAnUnknownDc) {
  testing::SimFixture sim(with_secrets());
  const auto refused = [&](mtproto::ConnectionOptions o) {
    asio::io_context io;
    auto connection = sim.dial_port(io, std::move(o), sim.server().mtproxy_port());
    try {
      run(io, connection->start());
      return false;
    } catch (const std::exception&) {
      return true;
    }
  };
  auto wrong = sim.options({Framing::intermediate, true}, 2);
  wrong.handshake_timeout = 5s;
  wrong.proxy = sim::parse_mtproxy_secret("ffeeddccbbaa99887766554433221100");
  wrong.proxy_dc = 2;
  EXPECT_TRUE(refused(wrong));
  auto plain = sim.options({Framing::intermediate, false}, 2);
  plain.handshake_timeout = 5s;
  EXPECT_TRUE(refused(plain));
  auto unknown = sim.options({Framing::intermediate, true}, 2);
  unknown.handshake_timeout = 5s;
  unknown.proxy = sim::parse_mtproxy_secret(kSimpleSecret);
  unknown.proxy_dc = 7;
  EXPECT_TRUE(refused(unknown));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(sim.server().dc(i).stats.handshakes.load(), 0u);
}

TEST(MtproxyPort, SecretsAreParsedFromHex) {
  EXPECT_EQ(sim::parse_mtproxy_secret(kSimpleSecret).kind, MtproxySecret::Kind::simple);
  EXPECT_EQ(sim::parse_mtproxy_secret(kPaddedSecret).kind, MtproxySecret::Kind::padded);
  EXPECT_EQ(sim::parse_mtproxy_secret("ee0123456789abcdef0123456789abcdef6578616d706c652e636f6d").kind,
            MtproxySecret::Kind::fake_tls);
  EXPECT_THROW(sim::parse_mtproxy_secret("not hex"), std::invalid_argument);
  EXPECT_THROW(sim::parse_mtproxy_secret("0011"), std::invalid_argument);
}

}  // namespace
}  // namespace mtpipe
