#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "mtproto/handshake/server_keys.h"
#include "sim/cluster.h"
#include "sim/key_store.h"
#include "sim/sim_options.h"
#include "sim/world.h"

namespace mtpipe::sim {

// Counters of one DC, read by the final summary and by tests.
struct DcStats {
  std::atomic<std::uint64_t> connections{0}, open_connections{0}, handshakes{0}, queries{0};
  std::atomic<std::uint64_t> bad_server_salts{0}, bad_msg_notifications{0}, transport_errors{0}, refused_packets{0};
  std::atomic<std::uint64_t> auth_key_duplicated{0};  // queries answered 406 AUTH_KEY_DUPLICATED
  std::atomic<std::uint64_t> connections_killed{0};   // closed instead of answering (--kill-every)
  std::atomic<std::uint64_t> ping_timeouts{0};  // closed: no ping within the ping_delay_disconnect delay
};

// What every connection of one DC shares. Connections on several worker threads read it concurrently: all
// members are immutable after start, or thread-safe themselves.
struct Dc {
  std::int32_t id = 0;
  const Cluster* cluster = nullptr;
  std::shared_ptr<const mtproto::handshake::ServerConfig> handshake;
  const SimOptions* options = nullptr;
  World* world = nullptr;  // shared by every DC of the cluster
  KeyStore keys;
  DcStats stats;
};

}  // namespace mtpipe::sim
