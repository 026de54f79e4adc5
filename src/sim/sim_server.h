#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crypto/rsa.h"
#include "sim/cluster.h"
#include "sim/dc.h"
#include "sim/sim_options.h"
#include "sim/world.h"

namespace mtpipe::sim {

// A running cluster of emulated DCs: one listening port per DC, connections spread over worker threads (each
// with its own io_context; a connection stays on one worker).
class SimServer {
 public:
  SimServer(SimOptions options, crypto::RsaPrivateKey key);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds every DC's port and starts the workers. Throws std::runtime_error naming the port that failed.
  void start();
  // Stops accepting, closes every connection and joins the workers. Idempotent; safe from any thread.
  void stop();

  const Cluster& cluster() const noexcept { return cluster_; }
  const crypto::RsaPrivateKey& key() const noexcept { return key_; }
  const Dc& dc(std::size_t index) const { return *dcs_.at(index); }
  // The accounts and logins every DC shares; tests reach its hooks (move_home, revoke_sessions, push_update).
  World& world() noexcept { return *world_; }
  // Flood-limit counters per account (or key) and method, as stats_json() reports them.
  std::vector<FloodCounter> flood_counters() const { return world_->flood_counters(); }
  // The MTProxy port (0 when no secret was given; known after start()).
  std::uint16_t mtproxy_port() const noexcept { return mtproxy_port_; }
  // {"dcs":[{"id":..,"port":..}],"rsa_public_pem":..,"fingerprint":..} as docs/SIM.md specifies.
  std::string ready_json() const;
  // Every counter (DCs, flood limits, load), one JSON object as docs/SIM.md "Stats" describes.
  std::string stats_json() const;

 private:
  struct Impl;
  SimOptions options_;
  crypto::RsaPrivateKey key_;
  Cluster cluster_;
  std::unique_ptr<World> world_;
  std::vector<std::unique_ptr<Dc>> dcs_;
  std::uint16_t mtproxy_port_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtpipe::sim
