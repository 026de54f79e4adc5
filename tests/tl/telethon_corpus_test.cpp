// Bytes produced by an independent implementation decode to the values it was given: the corpus
// in corpus/ was serialised by Telethon 1.25.1 (layer 144) for constructors whose ids and fields
// are the same in layer 223 (see corpus/README.md and make_telethon_corpus.py).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tl/api.h"
#include "tl/hex.h"
#include "tl/json_bridge.h"
#include "tl/schema_table.h"

namespace mtpipe::tl {
namespace {

json::Value load_corpus() {
  std::ifstream in(std::string(MTPIPE_TEST_DATA_DIR) + "/corpus/telethon_corpus.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::vector<std::uint8_t> unhex(const std::string& h) { return from_hex(h).value(); }

// Structural equality: object keys in any order, numbers by value.
bool same(const json::Value& a, const json::Value& b, std::string& where) {
  auto as_double = [](const json::Value& v, double& d) {
    if (auto* i = std::get_if<std::int64_t>(&v.v)) return d = static_cast<double>(*i), true;
    if (auto* u = std::get_if<std::uint64_t>(&v.v)) return d = static_cast<double>(*u), true;
    if (auto* f = std::get_if<double>(&v.v)) return d = *f, true;
    return false;
  };
  if (a.is_object() && b.is_object()) {
    if (a.object().size() != b.object().size()) return where += " (different field count)", false;
    for (const auto& [k, v] : a.object()) {
      const json::Value* o = b.find(k);
      if (!o) return where += "." + k + " (missing)", false;
      std::string sub = where + "." + k;
      if (!same(v, *o, sub)) return where = sub, false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.array().size() != b.array().size()) return where += " (different length)", false;
    for (std::size_t i = 0; i < a.array().size(); ++i) {
      std::string sub = where + "[" + std::to_string(i) + "]";
      if (!same(a.array()[i], b.array()[i], sub)) return where = sub, false;
    }
    return true;
  }
  if (std::holds_alternative<std::int64_t>(a.v) && std::holds_alternative<std::int64_t>(b.v))
    return std::get<std::int64_t>(a.v) == std::get<std::int64_t>(b.v);
  double x, y;
  if (as_double(a, x) && as_double(b, y)) return x == y;
  if (a.v.index() != b.v.index()) return false;
  if (a.is_string()) return a.string() == b.string();
  if (auto* p = std::get_if<bool>(&a.v)) return *p == std::get<bool>(b.v);
  return a.is_null();
}

TEST(TelethonCorpus, DecodesToTheValuesTelethonWasGiven) {
  const json::Value corpus = load_corpus();
  ASSERT_GE(corpus.array().size(), 30u);
  for (const json::Value& c : corpus.array()) {
    const std::string name = c.find("name")->string();
    SCOPED_TRACE(name);
    const auto bytes = unhex(c.find("hex")->string());
    const schema::Entry* e = schema::find(static_cast<std::uint32_t>(std::get<std::int64_t>(c.find("id")->v)));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->name, name);

    Reader r(bytes);
    auto obj = e->is_function ? object_ptr<Object>(read_any_function(r)) : read_any_object(r);
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(obj->tl_name(), name);
    Writer w;
    obj->tl_write(w);
    EXPECT_EQ(w.data(), bytes) << "our encoding differs from Telethon's";

    std::string where = name;
    EXPECT_TRUE(same(to_json_value(bytes), *c.find("value"), where)) << "differs at " << where;
  }
}

TEST(TelethonCorpus, TypedFieldsHoldTheValues) {
  const json::Value corpus = load_corpus();
  auto first = [&](std::string_view name) {
    for (const json::Value& c : corpus.array())
      if (c.find("name")->string() == name) return unhex(c.find("hex")->string());
    ADD_FAILURE() << name << " not in corpus";
    return std::vector<std::uint8_t>{};
  };
  {
    const auto bytes = first("nearestDc");
    Reader r(bytes);
    auto dc = api::NearestDc::tl_read_boxed(r);
    auto* n = dynamic_cast<api::nearestDc*>(dc.get());
    ASSERT_TRUE(n);
    EXPECT_EQ(n->country, "NL");
    EXPECT_EQ(n->this_dc, 2);
    EXPECT_EQ(n->nearest_dc, 4);
  }
  {
    const auto bytes = first("messages.getHistory");
    Reader r(bytes);
    auto fn = read_any_function(r);
    auto* q = dynamic_cast<api::messages::getHistory*>(fn.get());
    ASSERT_TRUE(q);
    EXPECT_TRUE(dynamic_cast<api::inputPeerChannel*>(q->peer.get()));
    // Building the same request by hand gives Telethon's bytes.
    api::messages::getHistory mine;
    auto* peer = dynamic_cast<api::inputPeerChannel*>(q->peer.get());
    auto p = std::make_unique<api::inputPeerChannel>();
    p->channel_id = peer->channel_id;
    p->access_hash = peer->access_hash;
    mine.peer = std::move(p);
    mine.offset_id = q->offset_id, mine.offset_date = q->offset_date, mine.add_offset = q->add_offset;
    mine.limit = q->limit, mine.max_id = q->max_id, mine.min_id = q->min_id, mine.hash = q->hash;
    Writer w;
    mine.tl_write(w);
    EXPECT_EQ(w.data(), bytes);
  }
}

}  // namespace
}  // namespace mtpipe::tl
