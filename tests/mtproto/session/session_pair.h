// A client session and the server side of it, wired back to back in memory, for tests.
#pragma once

#include <cstring>
#include <functional>
#include <optional>
#include <span>
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

// A hand-made plaintext encrypted under the msg_key it really has, so the receiver's checks after msg_key see
// whatever fields the test wrote.
inline std::vector<std::uint8_t> seal_plaintext(const AuthKey& key, crypto::MsgDirection direction,
                                                std::span<const std::uint8_t> plaintext) {
  std::vector<std::uint8_t> packet;
  session::seal_plaintext(key, direction, plaintext, packet);
  return packet;
}

// salt | session_id | msg_id | seq_no | `length` | body | `padding` zero bytes.
inline std::vector<std::uint8_t> plaintext_of(const MessageHeader& h, std::span<const std::uint8_t> body,
                                              std::int32_t length, std::size_t padding) {
  std::vector<std::uint8_t> plain(kInnerHeaderSize + body.size() + padding, 0);
  std::memcpy(plain.data(), &h.salt, 8);
  std::memcpy(plain.data() + 8, &h.session_id, 8);
  std::memcpy(plain.data() + 16, &h.msg_id, 8);
  std::memcpy(plain.data() + 24, &h.seq_no, 4);
  std::memcpy(plain.data() + 28, &length, 4);
  if (!body.empty()) std::memcpy(plain.data() + kInnerHeaderSize, body.data(), body.size());
  return plain;
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

  // A server msg_id `ahead_s` seconds from the server's clock, with `low_bits` as its two lowest bits (1 or 3 is
  // valid); each call gives a higher fraction of the second.
  std::int64_t server_msg_id(std::int64_t ahead_s = 0, std::int64_t low_bits = 1) {
    const std::int64_t seconds = clock.unix_ns() / kNsPerSecond + ahead_s;
    return seconds << 32 | ++server_ids << 2 | low_bits;
  }

  // A packet from the server to the client's session carrying `body` under any msg_id and seq_no.
  std::vector<std::uint8_t> server_packet(std::int64_t msg_id, std::span<const std::uint8_t> body,
                                          std::int32_t seq_no = 0) {
    std::vector<std::uint8_t> out;
    seal(key_state.key, crypto::MsgDirection::kServerToClient,
         {handshake.server_salt, client.session_id(), msg_id, seq_no}, body, rng, out);
    return out;
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
  std::int64_t server_ids = 0;  // for server_msg_id
  // Default application: echo the query body back as the result.
  std::function<void(ServerSession&, const ServerQuery&)> app = [](ServerSession& s, const ServerQuery& q) {
    s.reply(q.msg_id, q.body);
  };
};

}  // namespace mtpipe::mtproto::session::testing
