// channels.getFullChannel and stats.getBroadcastStats on the seeded channels, layer 223 layouts only (Telethon
// does not ask for them in our tests).
#include "sim/api_handlers.h"
#include "sim/channels.h"
#include "tl/api.h"
#include "tl/serialize.h"

namespace mtpipe::sim {
namespace {

namespace api = tl::api;

std::optional<SeededChannel> channel_of(const ApiContext& ctx, const api::InputChannel* input) {
  const auto* c = dynamic_cast<const api::inputChannel*>(input);
  if (c == nullptr) return std::nullopt;
  auto found = find_channel(ctx.world.cluster(), c->channel_id);
  if (!found || found->access_hash != c->access_hash) return std::nullopt;
  return found;
}

tl::object_ptr<api::Chat> channel_object(const SeededChannel& c, std::int32_t now) {
  auto ch = std::make_unique<api::channel>();
  ch->broadcast = true;
  ch->id = c.id;
  ch->access_hash = c.access_hash;
  ch->title = c.title;
  ch->username = c.username;
  ch->photo = std::make_unique<api::chatPhotoEmpty>();
  ch->date = now;
  return ch;
}

ApiAnswer full_channel(const ApiContext& ctx, const SeededChannel& c) {
  auto full = std::make_unique<api::channelFull>();
  full->id = c.id;
  full->about = "Seeded by mtpipe sim";
  full->participants_count = 1000;
  full->chat_photo = std::make_unique<api::photoEmpty>();
  full->notify_settings = std::make_unique<api::peerNotifySettings>();
  full->stats_dc = c.stats_dc;
  full->can_view_stats = true;
  full->pts = 1;
  api::messages::chatFull answer;
  answer.full_chat = std::move(full);
  answer.chats.push_back(channel_object(c, static_cast<std::int32_t>(ctx.now_s)));
  return api_result(tl::serialize(answer), api::channels::getFullChannel::NAME);
}

tl::object_ptr<api::StatsAbsValueAndPrev> value(double current, double previous) {
  auto v = std::make_unique<api::statsAbsValueAndPrev>();
  v->current = current;
  v->previous = previous;
  return v;
}

tl::object_ptr<api::StatsGraph> graph() {
  auto json = std::make_unique<api::dataJSON>();
  json->data = R"({"columns":[["x"],["y0"]],"types":{"x":"x","y0":"line"},"names":{"y0":"Sim"}})";
  auto g = std::make_unique<api::statsGraph>();
  g->json = std::move(json);
  return g;
}

ApiAnswer broadcast_stats(const ApiContext& ctx) {
  api::stats::broadcastStats s;
  auto period = std::make_unique<api::statsDateRangeDays>();
  period->max_date = static_cast<std::int32_t>(ctx.now_s);
  period->min_date = period->max_date - 7 * 86400;
  s.period = std::move(period);
  s.followers = value(1000, 990);
  s.views_per_post = value(500, 480);
  s.shares_per_post = value(10, 9);
  s.reactions_per_post = value(20, 18);
  s.views_per_story = value(0, 0);
  s.shares_per_story = value(0, 0);
  s.reactions_per_story = value(0, 0);
  auto notifications = std::make_unique<api::statsPercentValue>();
  notifications->part = 250;
  notifications->total = 1000;
  s.enabled_notifications = std::move(notifications);
  for (auto* g : {&s.growth_graph, &s.followers_graph, &s.mute_graph, &s.top_hours_graph, &s.interactions_graph,
                  &s.iv_interactions_graph, &s.views_by_source_graph, &s.new_followers_by_source_graph,
                  &s.languages_graph, &s.reactions_by_emotion_graph, &s.story_interactions_graph,
                  &s.story_reactions_by_emotion_graph})
    *g = graph();
  return api_result(tl::serialize(s), api::stats::getBroadcastStats::NAME);
}

}  // namespace

bool is_channel_method(std::uint32_t ctor) {
  return ctor == api::channels::getFullChannel::ID || ctor == api::stats::getBroadcastStats::ID;
}

ApiAnswer serve_channels(const ApiContext& ctx, std::uint32_t ctor, std::span<const std::uint8_t> query) {
  if (ctor == api::channels::getFullChannel::ID) {
    constexpr std::string_view name = api::channels::getFullChannel::NAME;
    const auto req = tl::parse_boxed<api::channels::getFullChannel>(query);
    const auto me = logged_in(ctx, name, true);
    if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
    const auto channel = channel_of(ctx, req.channel.get());
    if (!channel) return api_error(400, "CHANNEL_INVALID", name);
    return full_channel(ctx, *channel);
  }
  constexpr std::string_view name = api::stats::getBroadcastStats::NAME;
  const auto req = tl::parse_boxed<api::stats::getBroadcastStats>(query);
  // Statistics are served on the channel's stats DC by any key logged in there (an imported authorization).
  const auto me = logged_in(ctx, name, false);
  if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
  const auto channel = channel_of(ctx, req.channel.get());
  if (!channel) return api_error(400, "CHANNEL_INVALID", name);
  if (channel->stats_dc != ctx.this_dc) return api_error(303, "STATS_MIGRATE_" + std::to_string(channel->stats_dc), name);
  return broadcast_stats(ctx);
}

}  // namespace mtpipe::sim
