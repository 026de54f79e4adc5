#pragma once
// The DC router's memory across restarts: one small SQLite file (mode 0600) holding each channel's mapping, so a
// restarted process routes statistics requests right away instead of meeting every STATS_MIGRATE again.
//
//   DcRouteStore store(dir / "dc_routes.sqlite");
//   router.restore(store.load(), Clock::now(), std::chrono::system_clock::now());
//   ... after each change, or on a timer, and at shutdown:
//   save_changes(router, store, Clock::now(), std::chrono::system_clock::now());

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scale/dc_router.h"

namespace mtpipe::scale {

// The file cannot be used: not SQLite, not a route file, a newer format, values that cannot be right, or the file
// system refused. The message names the file.
class DcRouteStoreError : public std::runtime_error {
 public:
  DcRouteStoreError(std::filesystem::path file, const std::string& message)
      : std::runtime_error(message), file_(std::move(file)) {}
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

class DcRouteStore {
 public:
  // Opens the file, creating it (mode 0600 whatever the umask) with its tables when it is missing or empty.
  // Throws DcRouteStoreError.
  explicit DcRouteStore(std::filesystem::path file);
  ~DcRouteStore();
  DcRouteStore(const DcRouteStore&) = delete;
  DcRouteStore& operator=(const DcRouteStore&) = delete;

  // Every saved mapping. Throws DcRouteStoreError naming the file and the channel for a value that cannot be right.
  std::vector<RouteRecord> load();
  // Inserts or replaces these mappings, all in one transaction (all or none). Throws DcRouteStoreError.
  void save(const std::vector<RouteRecord>& records);
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct Db;
  std::filesystem::path file_;
  std::unique_ptr<Db> db_;
};

// Saves what changed in the router since its last save and marks it saved; a failed save leaves the changes
// pending for the next call. Returns how many mappings were written.
std::size_t save_changes(DcRouter& router, DcRouteStore& store, Clock::time_point now,
                         std::chrono::system_clock::time_point wall_now);

}  // namespace mtpipe::scale
