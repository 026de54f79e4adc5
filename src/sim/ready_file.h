#pragma once
// The sim's ready file (docs/SIM.md): where its DCs listen and which key they use. The sim writes it; our
// probe and benchmark client read it (the peer scripts read the same JSON).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/cluster.h"

namespace mtpipe::sim {

struct ReadyFile {
  Cluster cluster;
  std::string rsa_public_pem;  // PKCS#1
  std::uint64_t fingerprint = 0;
  std::optional<std::uint16_t> mtproxy_port;  // present when the sim was given MTProxy secrets

  std::string to_json() const;
  // Throws std::runtime_error naming the missing or malformed member.
  static ReadyFile parse(std::string_view json);
  std::optional<std::uint16_t> port(std::int32_t dc_id) const noexcept;
};

}  // namespace mtpipe::sim
