#pragma once
// The sim's counters as one JSON document (docs/SIM.md "Stats"): what `mtpipe sim` prints on exit and writes to
// --stats-file, and SimServer::stats_json() returns. Accounts appear by user id and username, never by phone.

#include <memory>
#include <span>
#include <string>

#include "sim/dc.h"
#include "sim/world.h"

namespace mtpipe::sim {

// Safe while the DCs serve: DC counters are atomics, the world is read under its lock.
std::string stats_json(std::span<const std::unique_ptr<Dc>> dcs, const World& world);

}  // namespace mtpipe::sim
