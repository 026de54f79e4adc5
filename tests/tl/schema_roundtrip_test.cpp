// Every entry of the schema (layer 223 API, MTProto service schema and the hand-kept extras) has a
// generated type that decodes, re-encodes byte for byte, and survives the JSON bridge. The bytes
// come from the schema table (tl/sample.cpp), not from the generated code, so the two
// implementations check each other.
#include <gtest/gtest.h>

#include "tl/api.h"
#include "tl/dispatch.h"
#include "tl/json_bridge.h"
#include "tl/sample.h"

namespace mtpipe::tl {
namespace {


TEST(Schema, CoversEveryEntryOfLayer223) {
  std::size_t api = 0, functions = 0;
  for (const schema::Entry& e : schema::entries()) {
    api += !e.is_mt;
    functions += e.is_function;
  }
  EXPECT_EQ(schema::layer(), 223);
  EXPECT_EQ(api, 2315u);  // every entry of api-schema.json
  EXPECT_EQ(functions, 767u + 10u);
  EXPECT_EQ(detail::factories().size(), schema::entries().size());
}

std::unique_ptr<Object> decode_typed(const schema::Entry& e, std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  std::unique_ptr<Object> obj = e.is_function ? object_ptr<Object>(read_any_function(r)) : read_any_object(r);
  EXPECT_TRUE(r.at_end()) << e.name << ": " << r.remaining() << " bytes left";
  return obj;
}

void check_round_trips(Fill fill) {
  std::size_t checked = 0;
  for (const schema::Entry& e : schema::entries()) {
    SCOPED_TRACE(std::string(e.name));
    const std::vector<std::uint8_t> bytes = sample(e, fill, e.id);
    const auto obj = decode_typed(e, bytes);
    ASSERT_TRUE(obj);
    EXPECT_EQ(obj->tl_id(), e.id);
    EXPECT_EQ(obj->tl_name(), e.name);

    Writer w;
    obj->tl_write(w);
    ASSERT_EQ(w.data(), bytes) << "typed encode differs";

    const std::string json = to_json(bytes);
    EXPECT_EQ(to_json(*obj), json);
    ASSERT_EQ(from_json(json), bytes) << "JSON round trip differs: " << json.substr(0, 300);
    ++checked;
  }
  EXPECT_EQ(checked, schema::entries().size());
}

TEST(Schema, PopulatedInstancesRoundTrip) { check_round_trips(Fill::Populated); }
TEST(Schema, MinimalInstancesRoundTrip) { check_round_trips(Fill::Minimal); }

TEST(Schema, PopulatedInstancesSetEveryFlagAndFillEveryVector) {
  // Guards the test above against a synthesiser that silently leaves fields out.
  const schema::Entry* e = schema::find("message");
  ASSERT_TRUE(e);
  const auto bytes = sample(*e, Fill::Populated);
  Reader r(bytes);
  auto obj = read_any_object(r);
  auto* m = dynamic_cast<api::message*>(obj.get());
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->out && m->mentioned && m->post && m->from_scheduled && m->offline);
  EXPECT_TRUE(m->from_id && m->reply_to && m->media && m->reply_markup && m->reactions);
  ASSERT_TRUE(m->entities.has_value());
  EXPECT_EQ(m->entities->size(), 2u);
  EXPECT_TRUE(m->views.has_value() && m->forwards.has_value() && m->post_author.has_value());
}

}  // namespace
}  // namespace mtpipe::tl
