// Names of framings and transport specs, the MTProxy secret forms, and the quick-ack token.

#include <gtest/gtest.h>

#include <stdexcept>

#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/framing.h"
#include "mtproto/transport/mtproxy_secret.h"
#include "mtproto/transport/quick_ack.h"
#include "test_support.h"

namespace mtpipe::mtproto::transport {
namespace {

TEST(Framing, NamesRoundTrip) {
  for (const auto framing : {Framing::abridged, Framing::intermediate, Framing::padded_intermediate, Framing::full}) {
    EXPECT_EQ(parse_framing(to_string(framing)), framing);
  }
  EXPECT_EQ(to_string(Framing::padded_intermediate), "padded");
  EXPECT_EQ(parse_framing("padded-intermediate"), Framing::padded_intermediate);
  EXPECT_EQ(parse_framing("Abridged"), std::nullopt);
  EXPECT_EQ(parse_framing(""), std::nullopt);
}

TEST(TransportSpec, ParsesAndPrints) {
  const TransportSpec obfuscated_abridged{Framing::abridged, true};
  EXPECT_EQ(parse_transport_spec("obfuscated-abridged"), obfuscated_abridged);
  EXPECT_EQ(to_string(obfuscated_abridged), "obfuscated-abridged");
  EXPECT_EQ(parse_transport_spec("full"), (TransportSpec{Framing::full, false}));
  EXPECT_EQ(to_string(TransportSpec{Framing::padded_intermediate, false}), "padded");
  EXPECT_EQ(parse_transport_spec("obfuscated-padded-intermediate"),
            (TransportSpec{Framing::padded_intermediate, true}));
  // Full transport has no obfuscation tag.
  EXPECT_EQ(parse_transport_spec("obfuscated-full"), std::nullopt);
  EXPECT_EQ(parse_transport_spec("obfuscated-"), std::nullopt);
  EXPECT_EQ(parse_transport_spec("http"), std::nullopt);
}

TEST(Framing, TagsMapBothWays) {
  EXPECT_EQ(obfuscation_tag(Framing::abridged), 0xefefefefU);
  EXPECT_EQ(obfuscation_tag(Framing::intermediate), 0xeeeeeeeeU);
  EXPECT_EQ(obfuscation_tag(Framing::padded_intermediate), 0xddddddddU);
  EXPECT_EQ(obfuscation_tag(Framing::full), std::nullopt);
  EXPECT_EQ(framing_from_tag(0xddddddddU), Framing::padded_intermediate);
  EXPECT_EQ(framing_from_tag(0xefefefeeU), std::nullopt);
}

TEST(MtproxySecret, RecognisesTheThreeForms) {
  const auto simple = MtproxySecret::from_bytes(test::from_hex("00112233445566778899aabbccddeeff"));
  EXPECT_EQ(simple.kind, MtproxySecret::Kind::simple);
  EXPECT_EQ(simple.key[0], 0x00);
  EXPECT_EQ(simple.key[15], 0xff);
  EXPECT_EQ(simple.required_framing(), std::nullopt);

  const auto secured = MtproxySecret::from_bytes(test::from_hex("dd00112233445566778899aabbccddeeff"));
  EXPECT_EQ(secured.kind, MtproxySecret::Kind::padded);
  EXPECT_EQ(secured.key, simple.key);  // the dd byte is not hashed
  EXPECT_EQ(secured.required_framing(), Framing::padded_intermediate);

  // Any 17-byte secret defaults to padded intermediate.
  EXPECT_EQ(MtproxySecret::from_bytes(test::from_hex("7700112233445566778899aabbccddeeff")).kind,
            MtproxySecret::Kind::padded);

  const auto tls = MtproxySecret::from_bytes(test::from_hex("ee00112233445566778899aabbccddeeff6578616d706c652e636f6d"));
  EXPECT_EQ(tls.kind, MtproxySecret::Kind::fake_tls);
  EXPECT_EQ(tls.key, simple.key);
  EXPECT_EQ(tls.fake_tls_domain, "example.com");
  EXPECT_EQ(tls.required_framing(), Framing::padded_intermediate);
}

TEST(MtproxySecret, RefusesOtherLayouts) {
  EXPECT_THROW(MtproxySecret::from_bytes(std::vector<std::uint8_t>(15, 1)), std::invalid_argument);
  EXPECT_THROW(MtproxySecret::from_bytes(std::vector<std::uint8_t>(18, 0xdd)), std::invalid_argument);
  std::vector<std::uint8_t> long_domain(17 + 256, 'a');
  long_domain[0] = 0xee;
  EXPECT_THROW(MtproxySecret::from_bytes(long_domain), std::invalid_argument);
  EXPECT_THROW(MtproxySecret::from_bytes({}), std::invalid_argument);
}

TEST(ClientCodec, SecretDecidesObfuscationAndFraming) {
  test::SeededRng rng(7);
  const auto secured = MtproxySecret::from_bytes(test::from_hex("dd00112233445566778899aabbccddeeff"));
  ClientCodec padded({Framing::abridged, false}, rng, secured);
  EXPECT_EQ(padded.spec(), (TransportSpec{Framing::padded_intermediate, true}));
  EXPECT_EQ(padded.take_prefix().size(), 64u);

  const auto simple = MtproxySecret::from_bytes(test::from_hex("00112233445566778899aabbccddeeff"));
  ClientCodec intermediate({Framing::intermediate, false}, rng, simple);
  EXPECT_EQ(intermediate.spec(), (TransportSpec{Framing::intermediate, true}));

  EXPECT_THROW(ClientCodec({Framing::full, false}, rng, simple), std::invalid_argument);
  EXPECT_THROW(ClientCodec({Framing::full, true}, rng), std::invalid_argument);
}

TEST(QuickAck, TokenIsTheFirstWordOfMsgKeyLargeWithBit31) {
  std::array<std::uint8_t, 32> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(quick_ack_token(key), 0x83020100U);
  key[3] = 0x80;
  EXPECT_EQ(quick_ack_token(key), 0x80020100U);
}

}  // namespace
}  // namespace mtpipe::mtproto::transport
