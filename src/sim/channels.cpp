#include "sim/channels.h"

namespace mtpipe::sim {

std::vector<SeededChannel> seeded_channels(const Cluster& cluster) {
  std::vector<SeededChannel> out;
  for (int k = 1; k <= kSeededChannels; ++k) {
    SeededChannel c;
    c.id = 2'000'000'000 + k;
    c.access_hash = static_cast<std::int64_t>(static_cast<std::uint64_t>(c.id) * 0xC2B2AE3D27D4EB4Full);
    c.username = "sim_channel_" + std::to_string(k);
    c.title = "Sim channel " + std::to_string(k);
    c.stats_dc = cluster.dcs.empty() ? 1 : cluster.dcs[static_cast<std::size_t>(k) % cluster.dcs.size()].id;
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<SeededChannel> find_channel(const Cluster& cluster, std::int64_t id) {
  for (auto& c : seeded_channels(cluster))
    if (c.id == id) return c;
  return std::nullopt;
}

}  // namespace mtpipe::sim
