#pragma once
// The seeded broadcast channels (docs/SIM.md "Channels"): deterministic ids, access hashes, usernames and the DC
// that serves their statistics. Later issues grow them posts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster.h"

namespace mtpipe::sim {

struct SeededChannel {
  std::int64_t id = 0;
  std::int64_t access_hash = 0;
  std::string username, title;
  std::int32_t stats_dc = 0;
};

inline constexpr int kSeededChannels = 3;

// Channel k (1..kSeededChannels): id 2000000000 + k, username "sim_channel_k", stats on the cluster's DC at
// index k mod (number of DCs) — with DCs 1..3: channel 1 on DC 2, channel 2 on DC 3, channel 3 on DC 1.
std::vector<SeededChannel> seeded_channels(const Cluster& cluster);
std::optional<SeededChannel> find_channel(const Cluster& cluster, std::int64_t id);

}  // namespace mtpipe::sim
