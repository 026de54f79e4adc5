#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mtproto/session/server_session.h"
#include "sim/cluster.h"

namespace mtpipe::sim {

// The answer to one RPC query: a result object, or an rpc_error.
struct ApiAnswer {
  std::vector<std::uint8_t> result;
  bool gzip = false;
  std::int32_t error_code = 0;  // non-zero: answer rpc_error(error_code, error_message)
  std::string error_message;
  std::string method;  // the innermost method's name, for the debug log
};

struct ApiContext {
  const Cluster& cluster;
  std::int32_t this_dc;
  mtproto::session::ServerKeyState& key;  // the layer is recorded here
  std::int64_t now_s;
  std::int64_t msg_id = 0;      // of the query, and the session it came in (auth.bindTempAuthKey checks both)
  std::int64_t session_id = 0;
  // Another auth key of this DC by id (auth.bindTempAuthKey names the permanent key).
  std::function<std::optional<mtproto::AuthKey>(std::uint64_t)> find_key;
};

// Answers one query as a Telegram DC would: unwraps invokeWithLayer (recording the layer on the auth key, even
// when the wrapped call then fails), initConnection, invokeWithoutUpdates and invokeAfterMsg(s), then serves
// the method for the session's layer. See docs/SIM.md for what is answered.
ApiAnswer answer_query(const ApiContext& context, std::span<const std::uint8_t> query);

// The synthetic content of every file (docs/SIM.md): byte o of the file whose location id is X.
inline constexpr std::int64_t kSyntheticFileSize = 8 * 1024 * 1024;
inline std::uint8_t synthetic_file_byte(std::uint64_t location_id, std::uint64_t offset) noexcept {
  return static_cast<std::uint8_t>((offset + 31 * (location_id % 251)) % 251);
}

}  // namespace mtpipe::sim
