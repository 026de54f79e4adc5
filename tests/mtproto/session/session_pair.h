// A client session and the server side of it, wired back to back in memory, for tests.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "crypto/random.h"
#include "mtproto/clock.h"
#include "mtproto/session/client_session.h"
#include "mtproto/session/packet_crypto.h"
#include "mtproto/session/server_session.h"

namespace mtpipe::mtproto::session::testing {

inline HandshakeResult test_key(std::uint8_t fill_seed = 7) {
  HandshakeResult r;
  for (std::size_t i = 0; i < r.key.bytes.size(); ++i) r.key.bytes[i] = static_cast<std::uint8_t>(i * 31 + fill_seed);
  r.key.id = 0x1122334455667788ull + fill_seed;
  r.server_salt = 0x0102030405060708;
  return r;
}

struct SessionPair {
  explicit SessionPair(SessionFaults faults = 0, ClientSessionOptions options = {})
      : clock(1'700'000'000LL * kNsPerSecond), client_clock(clock.unix_ns()), handshake(test_key()),
        key_state(handshake, clock.unix_ns() / kNsPerSecond, rng, 1800),
        client(handshake, rng, client_clock, options), faults(faults) {}

  // Moves every packet both ways until both sides are idle; the server answers queries with `app`.
  // Returns the client's events. Client refusals propagate as ProtocolError.
  std::vector<SessionEvent> pump(int max_rounds = 16) {
    std::vector<SessionEvent> events;
    for (int round = 0; round < max_rounds; ++round) {
      bool moved = false;
      std::vector<std::uint8_t> packet;
      while (client.next_packet(packet)) {
        moved = true;
        to_server(packet);
      }
      while (server && server->next_packet(packet)) {
        moved = true;
        client.receive(packet, events);
      }
      if (!moved) break;
    }
    return events;
  }

  void to_server(const std::vector<std::uint8_t>& packet) {
    const Opened opened = open(key_state.key, crypto::MsgDirection::kClientToServer, packet, plaintext);
    if (!server || server->session_id() != opened.header.session_id) {
      server.emplace(key_state, opened.header.session_id, rng, clock, faults);
      ++server_sessions;
    }
    ++server_packets;
    std::vector<ServerQuery> queries;
    ServerSignals signals;
    server->receive(opened, queries, signals);
    for (auto& q : queries) {
      received.push_back(q.body);
      app(*server, q);
    }
  }

  crypto::OpenSslRng rng;
  ManualClock clock;         // the server's
  ManualClock client_clock;  // may drift from the server's
  HandshakeResult handshake;
  ServerKeyState key_state;
  ClientSession client;
  SessionFaults faults;
  std::optional<ServerSession> server;
  std::vector<std::uint8_t> plaintext;
  std::vector<std::vector<std::uint8_t>> received;  // query bodies the server application saw
  int server_packets = 0;
  int server_sessions = 0;
  // Default application: echo the query body back as the result.
  std::function<void(ServerSession&, const ServerQuery&)> app = [](ServerSession& s, const ServerQuery& q) {
    s.reply(q.msg_id, q.body);
  };
};

}  // namespace mtpipe::mtproto::session::testing
