#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "client/backoff.h"
#include "client/flood_memory.h"
#include "client/init_connection.h"
#include "client/method.h"
#include "client/proxy_source.h"
#include "client/session_data.h"
#include "crypto/rsa.h"
#include "mtproto/connection/connection.h"
#include "mtproto/transport/framing.h"
#include "net/proxy_url.h"

namespace mtpipe::client {

// Which Telegram the client talks to: where its DCs are before help.getConfig says more, and the RSA keys we
// trust for handshakes (Telegram's production keys, or the sim's own key from its ready file).
struct Network {
  std::vector<DcAddress> bootstrap;
  std::vector<crypto::RsaPublicKey> server_keys;
  bool test_dcs = false;         // the handshake's dc field is +10000 on test DCs
  std::int32_t default_dc = 2;   // the home DC of a session that has none yet
};

struct ClientOptions {
  Network network;
  ApiIdentity api;
  mtproto::transport::TransportSpec transport;
  std::optional<net::ProxyUrl> proxy;                 // every connection goes through it, unless proxy_source is set
  std::shared_ptr<ProxySource> proxy_source;          // chooses per connection (a proxy pool); replaces `proxy`
  std::chrono::milliseconds connect_timeout{10'000};  // for the dial with the proxy's handshake, and again for the MTProto handshake
  std::chrono::milliseconds request_timeout{30'000};  // default for invoke(); everything a call does fits in it
  BackoffPolicy reconnect;                            // between connection attempts to one DC
  int retry_max = 5;                                  // MTPROTO_RETRY_MAX: re-sends after lost connections and 5xx
  double sleep_threshold_s = 1.5;                     // MTPROTO_SLEEP_THRESHOLD
  int max_migrations = 5;                             // *_MIGRATE answers followed per call before giving up
  // Every connection pings (ping_delay_disconnect) and flushes its acks on these timers; a connection found
  // dead is replaced by the next call, and the home DC's at once when on_update is set (the account waits for
  // updates there).
  mtproto::KeepAliveOptions keepalive;
  std::chrono::milliseconds ack_delay{300};
  // The account's flood waits, shared with a pool that lends the account (null: the client keeps its own).
  std::shared_ptr<FloodMemory> flood_memory;
};

// What happened to one call, for the layers above (the DC router learns from it).
struct CallTrace {
  std::int32_t dc = 0;         // the DC that answered (or refused) last
  int request_migrations = 0;  // FILE/STATS_MIGRATE answers followed: round trips a better route would save
};

// Per call.
struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;  // instead of ClientOptions::request_timeout
  std::optional<std::int32_t> dc;                     // send to this DC instead of the home DC
  // A request whose connection dropped before its answer is re-sent on the next connection (within its timeout
  // and the retry budget). Switch off for requests that must never run twice (sending a message).
  bool resend_after_reconnect = true;
  CallTrace* trace = nullptr;  // filled in when given; must outlive the call
  std::optional<Method> method;  // the query's method, when the caller found it already (else read from the query)
};

}  // namespace mtpipe::client
