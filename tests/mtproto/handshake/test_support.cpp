#include "tl/serialize.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "mtproto/handshake/wire.h"
#include "mtproto/plain_message.h"

namespace mtpipe::mtproto::handshake::test {

const crypto::RsaPrivateKey& server_rsa_key() {
  static const crypto::RsaPrivateKey key = crypto::RsaPrivateKey::generate(2048);
  return key;
}

std::shared_ptr<const ServerConfig> make_config(bool test_mode, std::int32_t dc_id) {
  return std::make_shared<const ServerConfig>(std::vector<crypto::RsaPrivateKey>{server_rsa_key()}, dc_id, test_mode);
}

ClientOptions client_options(std::int32_t dc, std::optional<std::int32_t> expires_in) {
  ClientOptions o;
  o.server_keys.push_back(server_rsa_key().public_key());
  o.dc = dc;
  o.expires_in = expires_in;
  return o;
}

Outcome run_handshake(ClientHandshake& client, ServerHandshake& server) {
  Outcome out;
  std::vector<std::uint8_t> packet = client.start();
  for (;;) {
    ++out.client_packets;
    if (out.client_packets > 20) throw std::runtime_error("handshake does not end");
    ServerReply reply = server.on_packet(packet);
    if (reply.kind == ServerReply::Kind::transport_error) {
      throw std::runtime_error("server answered " + std::to_string(reply.error_code) + ": " + reply.note);
    }
    ClientStep step = client.on_packet(reply.packet);
    if (reply.kind == ServerReply::Kind::done) {
      if (!step.done()) throw std::runtime_error("server finished but the client did not");
      out.client = *step.result;
      out.server = *reply.result;
      return out;
    }
    if (step.done()) throw std::runtime_error("client finished but the server did not");
    packet = std::move(step.send);
  }
}

Outcome handshake_with_seed(std::uint64_t seed, std::optional<std::int32_t> expires_in) {
  SeededRng client_rng(seed);
  SeededRng server_rng(seed + 0x5eed'0000'0000);
  ManualClock clock(kNow);
  ClientHandshake client(client_options(2, expires_in), client_rng, clock);
  ServerHandshake server(make_config(), server_rng, clock);
  return run_handshake(client, server);
}

Pair::Pair(std::uint64_t seed, ClientOptions options, std::shared_ptr<const ServerConfig> config,
           ServerHandshake::KeyIdTaken taken, Faults faults)
    : rng(seed), server(std::move(config), rng, clock, std::move(taken), faults), client(std::move(options), rng, clock) {}

ProtocolError client_error_against(Faults faults) {
  Pair t(7, client_options(), make_config(), {}, faults);
  try {
    run_handshake(t.client, t.server);
  } catch (const ProtocolError& e) {
    EXPECT_EQ(t.client.state(), ClientHandshake::State::failed);
    return e;
  }
  ADD_FAILURE() << "the client accepted a faulty server";
  return ProtocolError(Refusal::malformed, "no error");
}

tl::object_ptr<tl::Object> object_in(std::span<const std::uint8_t> packet) {
  return detail::read_one_object(parse_plain_message(packet).body, "test");
}

tl::object_ptr<tl::Function> function_in(std::span<const std::uint8_t> packet) {
  return detail::read_one_function(parse_plain_message(packet).body, "test");
}

std::vector<std::uint8_t> packet_of(const tl::Object& obj, std::int64_t msg_id) {
  return make_plain_message(msg_id, tl::serialize(obj));
}

}  // namespace mtpipe::mtproto::handshake::test
