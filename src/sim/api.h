#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mtproto/session/server_session.h"
#include "sim/cluster.h"
#include "sim/key_store.h"
#include "sim/world.h"

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
  const KeyStore& keys;  // the DC's keys: auth.bindTempAuthKey names a permanent one
  World& world;
  KeyRef key_ref;  // the key as logins know it: a bound temporary key stands for its permanent key
};

// Answers one query as a Telegram DC would: unwraps invokeWithLayer (recording the layer on the auth key, even
// when the wrapped call then fails), initConnection, invokeWithoutUpdates and invokeAfterMsg(s), then serves
// the method for the session's layer. See docs/SIM.md for what is answered.
ApiAnswer answer_query(const ApiContext& context, std::span<const std::uint8_t> query);

}  // namespace mtpipe::sim
