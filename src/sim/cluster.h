#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtpipe::sim {

// The DCs of one emulated cluster and where they listen; what help.getConfig reports as dc_options.
struct DcAddress {
  std::int32_t id = 0;
  std::uint16_t port = 0;
};

struct Cluster {
  std::string host = "127.0.0.1";
  std::vector<DcAddress> dcs;
};

}  // namespace mtpipe::sim
