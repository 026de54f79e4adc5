// The JSON model and the schema-driven bridge: exact integers, strict UTF-8, bounded nesting,
// and errors that name the field at fault.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "tl/api.h"
#include "tl/json_bridge.h"

namespace mtpipe::tl {
namespace {

std::string bridge_error(std::string_view text) {
  try {
    from_json(text);
  } catch (const json::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Json, IntegersStayExact) {
  const json::Value v = json::parse(R"([9223372036854775807, -9223372036854775808, 18446744073709551615, 1.5, 2.0])");
  EXPECT_EQ(std::get<std::int64_t>(v.array()[0].v), INT64_MAX);
  EXPECT_EQ(std::get<std::int64_t>(v.array()[1].v), INT64_MIN);
  EXPECT_EQ(std::get<std::uint64_t>(v.array()[2].v), UINT64_MAX);
  EXPECT_EQ(std::get<double>(v.array()[3].v), 1.5);
  EXPECT_EQ(std::get<double>(v.array()[4].v), 2.0);
}

TEST(Json, StringsEscapesAndUtf8) {
  EXPECT_EQ(json::parse(R"("a\n\u00e9\ud83d\ude42\"")").string(), "a\né🙂\"");
  EXPECT_THROW(json::parse("\"\xff\""), json::Error);        // not UTF-8
  EXPECT_THROW(json::parse("\"\xc0\xaf\""), json::Error);    // overlong
  EXPECT_THROW(json::parse(R"("\ud800")"), json::Error);     // lone surrogate
  EXPECT_THROW(json::parse("\"a\x01\""), json::Error);        // raw control character
  json::Writer w;
  w.string("tab\there \x01 \"q\"");
  EXPECT_EQ(w.take(), R"("tab\there \u0001 \"q\"")");
}

TEST(Json, ErrorsGivePositionsAndDepthIsBounded) {
  try {
    json::parse(R"({"a": [1, 2,, 3]})");
    FAIL();
  } catch (const json::Error& e) {
    EXPECT_NE(std::string(e.what()).find("offset 12"), std::string::npos) << e.what();
  }
  EXPECT_THROW(json::parse(std::string(100000, '[')), json::Error);
  EXPECT_THROW(json::parse("[1] x"), json::Error);
}

TEST(Json, DoublesRoundTripIncludingSpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  double payload_nan, negative_nan;
  const std::uint64_t payload_bits = 0x7ff0000000000001ull, negative_bits = 0xfff8000000000000ull;
  std::memcpy(&payload_nan, &payload_bits, 8);
  std::memcpy(&negative_nan, &negative_bits, 8);
  for (double d : {0.1, -0.0, 1e300, 5e-324, 2.0, std::nan(""), inf, -inf, payload_nan, negative_nan}) {
    api::inputGeoPoint g;
    g.lat = d, g.long_ = 1;
    Writer w;
    g.tl_write(w);
    EXPECT_EQ(from_json(to_json(g)), w.data()) << d;
  }
}

TEST(JsonBridge, EncodesARequestFromJson) {
  const auto bytes = from_json(R"({"_": "messages.getHistory",
      "peer": {"_": "inputPeerChannel", "channel_id": 1234567890123, "access_hash": -5},
      "offset_id": 0, "offset_date": 0, "add_offset": 0, "limit": 100, "max_id": 0, "min_id": 0, "hash": 0})");
  Reader r(bytes);
  auto fn = read_any_function(r);
  auto* q = dynamic_cast<api::messages::getHistory*>(fn.get());
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 100);
  auto* peer = dynamic_cast<api::inputPeerChannel*>(q->peer.get());
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->channel_id, 1234567890123);
  EXPECT_EQ(peer->access_hash, -5);
}

TEST(JsonBridge, ErrorsNameThePath) {
  EXPECT_NE(bridge_error(R"({"_": "nope"})").find("unknown constructor or method \"nope\""), std::string::npos);
  EXPECT_NE(bridge_error(R"({"_": "nearestDc", "country": "NL", "this_dc": 2})").find("missing field \"nearest_dc\""),
            std::string::npos);
  EXPECT_NE(bridge_error(R"({"_": "nearestDc", "country": "NL", "this_dc": 2, "nearest_dc": 4, "extra": 1})")
                .find("nearestDc: unknown field \"extra\""),
            std::string::npos);
  EXPECT_NE(bridge_error(R"({"_": "nearestDc", "country": "NL", "this_dc": 4294967296, "nearest_dc": 4})")
                .find("nearestDc.this_dc: expected an integer"),
            std::string::npos);
  const std::string wrong_type = bridge_error(R"({"_": "channels.getFullChannel", "channel": {"_": "inputPeerSelf"}})");
  EXPECT_NE(wrong_type.find("channels.getFullChannel.channel: \"inputPeerSelf\" is not a InputChannel"), std::string::npos)
      << wrong_type;
  EXPECT_NE(bridge_error(R"({"_": "updateDeleteMessages", "messages": [1, "x"], "pts": 1, "pts_count": 1})")
                .find("updateDeleteMessages.messages[1]"),
            std::string::npos);
}

TEST(JsonBridge, InvalidUtf8StringsSurviveAsHex) {
  Writer w;
  w.u32(api::nearestDc::ID);
  w.string("\xff\xfe");
  w.i32(1), w.i32(2);
  const std::string json = to_json(w.data());
  EXPECT_NE(json.find(R"("country":{"hex":"fffe"})"), std::string::npos) << json;
  EXPECT_EQ(from_json(json), w.data());
}

TEST(JsonBridge, EnvelopesAndUntypedResults) {
  // rpc_result carrying Vector<long> (not an object): it comes back as raw hex, losslessly.
  Writer result;
  result.u32(kRpcResultId);
  result.i64(0x1234);
  result.vector_header(2);
  result.i64(7), result.i64(8);
  const std::string json = to_json(result.data());
  EXPECT_NE(json.find(R"("result":{"_":"raw")"), std::string::npos) << json;
  EXPECT_EQ(from_json(json), result.data());

  // msg_container with a ping and a pong.
  const std::string container = R"({"_": "msg_container", "messages": [
      {"msg_id": 100, "seqno": 1, "body": {"_": "ping", "ping_id": 5}},
      {"msg_id": 104, "seqno": 3, "body": {"_": "pong", "msg_id": 100, "ping_id": 5}}]})";
  const auto bytes = from_json(container);
  EXPECT_EQ(bytes.size(), 4u + 4u + 2 * 16u + 12u + 20u);
  EXPECT_EQ(from_json(to_json(bytes)), bytes);
}

}  // namespace
}  // namespace mtpipe::tl

namespace mtpipe::tl {
namespace {

// wallPaperSettings: second_background_color and rotation are both flags.4 (found by fuzzing).
TEST(SharedFlagBits, HalfAGroupIsRefusedByBothEncoders) {
  const std::string err = bridge_error(R"({"_": "wallPaperSettings", "rotation": 90})");
  EXPECT_NE(err.find("second_background_color, rotation share flag bit 4"), std::string::npos) << err;
  EXPECT_EQ(bridge_error(R"({"_": "wallPaperSettings", "rotation": 90, "second_background_color": 1})"), "");

  api::wallPaperSettings typed;
  typed.rotation = 90;
  Writer w;
  EXPECT_THROW(typed.tl_write(w), EncodeError);
  typed.second_background_color = 1;
  Writer ok;
  typed.tl_write(ok);
  EXPECT_EQ(from_json(to_json(typed)), ok.data());
}

}  // namespace
}  // namespace mtpipe::tl
