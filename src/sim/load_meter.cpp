#include "sim/load_meter.h"

#include <algorithm>

namespace mtpipe::sim {
namespace {

void count(std::map<std::string, std::uint64_t, std::less<>>& by_method, std::string_view method) {
  const auto it = by_method.find(method);
  if (it != by_method.end()) {
    ++it->second;
  } else {
    by_method.emplace(std::string(method), 1);
  }
}

}  // namespace

void LoadMeter::arrived(std::int64_t user_id, std::string_view method, std::int64_t now_s, bool answered_now) {
  count(load_.methods, method);
  ++load_.per_second[now_s];
  if (user_id == 0) return;
  UserLoad& user = load_.users[user_id];
  count(user.requests, method);
  user.max_in_flight = std::max(user.max_in_flight, user.in_flight + 1);
  if (!answered_now) ++user.in_flight;
}

void LoadMeter::answered(std::int64_t user_id) {
  const auto it = load_.users.find(user_id);
  if (it != load_.users.end() && it->second.in_flight > 0) --it->second.in_flight;
}

}  // namespace mtpipe::sim
