#pragma once

#include <cstdint>
#include <vector>

#include "sim/cluster.h"

namespace mtpipe::sim {

// config#330b4067 as layer 144 lays it out (peers.md §6.3). Telethon 1.25.1 parses exactly this during a DC
// switch; layer 223's schema cannot produce it, so it is written by hand.
std::vector<std::uint8_t> config_layer_144(const Cluster& cluster, std::int32_t this_dc, std::int32_t now_s);

// config#cc1a241e (layers 198 and 223 share it), from the generated type.
std::vector<std::uint8_t> config_layer_223(const Cluster& cluster, std::int32_t this_dc, std::int32_t now_s);

inline constexpr std::int32_t kConfigLifetimeS = 3600;

}  // namespace mtpipe::sim
