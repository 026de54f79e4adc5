#include "app/sim_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "obs/fd_limit.h"
#include "obs/log.h"
#include "sim/rsa_key_file.h"
#include "sim/sim_server.h"

namespace mtpipe::app {
namespace {

// Written to a temporary name and renamed, so a reader polling for the file never sees half of it.
void write_atomically(const std::string& path, const std::string& json) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("sim: cannot create " + tmp + ": " + std::strerror(errno));
  const std::string text = json + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("sim: cannot write " + path + ": " + std::strerror(errno));
}

// Waits for one of `signals` (blocked in every thread), calling `every_second` once a second meanwhile.
template <class F>
int wait_for_stop(const sigset_t& signals, const F& every_second) {
  const timespec second{1, 0};
  for (;;) {
    const int received = sigtimedwait(&signals, nullptr, &second);
    if (received > 0) return received;
    if (errno != EAGAIN && errno != EINTR) throw std::runtime_error(std::string("sim: sigtimedwait: ") + std::strerror(errno));
    every_second();
  }
}

}  // namespace

void add_sim_world_flags(sim::SimOptions& options, const std::vector<std::string>& mtproxy_secrets,
                         const std::vector<std::string>& two_fa, const std::vector<std::string>& flood_limits) {
  const auto each = [](const std::vector<std::string>& values, const char* flag, const auto& add) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      try {
        add(values[i]);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(flag) + " #" + std::to_string(i + 1) + ": " + e.what());
      }
    }
  };
  each(mtproxy_secrets, "--mtproxy-secret",
       [&](const std::string& v) { options.mtproxy_secrets.push_back(sim::parse_mtproxy_secret(v)); });
  each(two_fa, "--two-fa", [&](const std::string& v) { sim::add_two_fa(options.two_fa, v); });
  each(flood_limits, "--flood-limit", [&](const std::string& v) { options.flood_limits.push_back(sim::parse_flood_rule(v)); });
}

int run_sim(const sim::SimOptions& options) {
  // Signals are taken synchronously by this thread; worker threads inherit the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const long files = obs::raise_open_file_limit();
  try {
    sim::SimServer server(options, sim::load_or_create_rsa_key(options.rsa_key_file));
    server.start();
    const auto write_stats = [&] {
      if (!options.stats_file.empty()) write_atomically(options.stats_file, server.stats_json());
    };
    // The stats file exists before readiness is announced: whoever waits for the ready file may read it at once.
    write_stats();
    const std::string ready = server.ready_json();
    if (!options.ready_file.empty()) write_atomically(options.ready_file, ready);
    std::cout << "ready " << ready << std::endl;
    std::string dcs;
    for (const auto& dc : server.cluster().dcs)
      dcs += " dc" + std::to_string(dc.id) + "=" + server.cluster().host + ":" + std::to_string(dc.port);
    obs::log(obs::Level::info, "sim", "serving" + dcs + " with " + std::to_string(options.threads) + " worker thread(s), up to " +
                                std::to_string(files) + " open files");
    const int received = wait_for_stop(signals, write_stats);
    obs::log(obs::Level::info, "sim", std::string("stopping on ") + (received == SIGINT ? "SIGINT" : "SIGTERM"));
    server.stop();
    const std::string stats = server.stats_json();
    if (!options.stats_file.empty()) write_atomically(options.stats_file, stats);
    std::cout << "stats " << stats << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

}  // namespace mtpipe::app
