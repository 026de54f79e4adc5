// TL codec benchmarks: decode and encode of a realistic messages.channelMessages page (100 channel
// posts with text entities, photo media, reply headers, replies and reactions), each beside
// memcpy of the same bytes measured in the same run (the physical floor for touching them).
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "tl/api.h"
#include "tl/json_bridge.h"

namespace {

using namespace mtpipe::tl;

std::string post(int id) {
  const std::string n = std::to_string(id);
  return R"({"_": "message", "post": true, "id": )" + n + R"(,
    "peer_id": {"_": "peerChannel", "channel_id": 1987654321},
    "reply_to": {"_": "messageReplyHeader", "reply_to_msg_id": )" + std::to_string(id - 3) + R"(},
    "date": 1764300000, "edit_date": 1764300600, "post_author": "Newsroom",
    "message": "Breaking: post number )" + n + R"( with a link and some bold words, about fifty characters more of text to be realistic in size.",
    "media": {"_": "messageMediaPhoto", "photo": {"_": "photo", "id": 5123456789012345678, "access_hash": -4123456789012345678,
      "file_reference": "0100000a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f", "date": 1764300000, "dc_id": 2,
      "sizes": [{"_": "photoStrippedSize", "type": "i", "bytes": "01281b6a8f3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6e7f8"},
                {"_": "photoSize", "type": "m", "w": 320, "h": 180, "size": 14522},
                {"_": "photoSize", "type": "x", "w": 800, "h": 450, "size": 61234},
                {"_": "photoSizeProgressive", "type": "y", "w": 1280, "h": 720, "sizes": [11000, 32000, 61000, 98000]}]}},
    "entities": [{"_": "messageEntityBold", "offset": 0, "length": 9},
                 {"_": "messageEntityTextUrl", "offset": 36, "length": 4, "url": "https://example.org/a/very/long/article/path"},
                 {"_": "messageEntityItalic", "offset": 50, "length": 10}],
    "views": )" + std::to_string(10000 + id * 37) + R"(, "forwards": )" + std::to_string(id % 50) + R"(,
    "replies": {"_": "messageReplies", "comments": true, "replies": 12, "replies_pts": 4567, "channel_id": 1987654322},
    "reactions": {"_": "messageReactions", "results": [
      {"_": "reactionCount", "reaction": {"_": "reactionEmoji", "emoticon": "👍"}, "count": 321},
      {"_": "reactionCount", "reaction": {"_": "reactionEmoji", "emoticon": "🔥"}, "count": 87},
      {"_": "reactionCount", "reaction": {"_": "reactionCustomEmoji", "document_id": 5368324170671202286}, "count": 9}]}})";
}

const std::vector<std::uint8_t>& page_bytes() {
  static const std::vector<std::uint8_t> bytes = [] {
    std::string json = R"({"_": "messages.channelMessages", "pts": 98765, "count": 25000, "messages": [)";
    for (int i = 0; i < 100; ++i) json += (i ? "," : "") + post(24900 + 100 - i);
    json += R"(], "topics": [], "chats": [{"_": "channel", "broadcast": true, "id": 1987654321, "access_hash": 77,
      "title": "Example News", "username": "examplenews", "photo": {"_": "chatPhotoEmpty"}, "date": 1600000000}], "users": []})";
    return from_json(json);
  }();
  return bytes;
}

void BM_Decode_ChannelMessages100(benchmark::State& state) {
  const auto& bytes = page_bytes();
  for (auto _ : state) {
    Reader r(bytes);
    auto page = api::messages::Messages::tl_read_boxed(r);
    benchmark::DoNotOptimize(page.get());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["page_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_Decode_ChannelMessages100);

void BM_Encode_ChannelMessages100(benchmark::State& state) {
  const auto& bytes = page_bytes();
  Reader r(bytes);
  const auto page = api::messages::Messages::tl_read_boxed(r);
  Writer w(bytes.size());
  for (auto _ : state) {
    w.clear();
    page->tl_write(w);
    benchmark::DoNotOptimize(w.data().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_Encode_ChannelMessages100);

// The floor: copying the same bytes once.
void BM_Memcpy_ChannelMessages100(benchmark::State& state) {
  const auto& bytes = page_bytes();
  std::vector<std::uint8_t> dst(bytes.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), bytes.data(), bytes.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_Memcpy_ChannelMessages100);

// The schema-driven path (JSON bridge), for comparison with the generated code.
void BM_ToJson_ChannelMessages100(benchmark::State& state) {
  const auto& bytes = page_bytes();
  for (auto _ : state) benchmark::DoNotOptimize(to_json(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ToJson_ChannelMessages100);

}  // namespace

BENCHMARK_MAIN();
