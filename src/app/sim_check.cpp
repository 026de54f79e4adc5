#include "app/sim_check.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <stdexcept>

#include "mtproto/connection/connection.h"
#include "net/dial.h"
#include "sim/rsa_key_file.h"
#include "sim/sim_server.h"
#include "sim/synthetic_file.h"
#include "tl/api.h"

namespace mtpipe::app {
namespace {

namespace asio = boost::asio;
namespace api = tl::api;
using namespace std::chrono_literals;

constexpr int kCalls = 200;
constexpr int kParts = 8;
constexpr int kPartSize = 128 * 1024;

struct Tally {
  int handshakes = 0, calls = 0, parts = 0;
  std::uint64_t bad_salts = 0;
};

asio::awaitable<void> exercise(const sim::SimServer& server, mtproto::transport::TransportSpec spec, Tally& tally) {
  mtproto::ConnectionOptions options;
  options.transport = spec;
  options.handshake.server_keys.push_back(server.key().public_key());
  options.handshake.dc = server.cluster().dcs.front().id;
  const net::Endpoint endpoint{server.cluster().host, server.cluster().dcs.front().port};
  const auto executor = co_await asio::this_coro::executor;
  auto socket = co_await net::dial(executor, endpoint, 10s);
  auto c = mtproto::Connection::create(std::move(socket), options, crypto::system_rng(), mtproto::system_clock());
  co_await c->start();
  ++tally.handshakes;
  for (int i = 0; i < kCalls; ++i) {
    const auto answer = co_await c->invoke(api::help::getNearestDc{}, 10s);
    const auto* dc = dynamic_cast<const api::nearestDc*>(answer.get());
    if (dc == nullptr || dc->this_dc != options.handshake.dc) throw std::runtime_error("wrong help.getNearestDc answer");
    ++tally.calls;
  }
  for (int part = 0; part < kParts; ++part) {
    const std::int64_t offset = static_cast<std::int64_t>(part) * kPartSize;
    const auto answer = co_await c->invoke(sim::synthetic_file_request(7, offset, kPartSize), 10s);
    const auto* file = dynamic_cast<const api::upload::file*>(answer.get());
    if (file == nullptr || file->bytes.size() != kPartSize) throw std::runtime_error("wrong upload.file answer");
    if (!sim::is_synthetic_file_part(7, static_cast<std::uint64_t>(offset), file->bytes))
      throw std::runtime_error("file bytes differ in the part at offset " + std::to_string(offset));
    ++tally.parts;
  }
  tally.bad_salts += c->stats().session.bad_server_salts;
  c->close();
}

}  // namespace

std::string check_sim() {
  sim::SimOptions options;
  options.dc_ids = {2};
  options.salt_rotate_after = 100;
  sim::SimServer server(options, sim::generate_peer_friendly_key());
  server.start();
  using mtproto::transport::Framing;
  const mtproto::transport::TransportSpec transports[] = {
      {Framing::abridged, false}, {Framing::intermediate, false}, {Framing::padded_intermediate, false},
      {Framing::full, false},     {Framing::abridged, true},      {Framing::intermediate, true},
      {Framing::padded_intermediate, true}};
  Tally tally;
  asio::io_context io(1);
  std::exception_ptr failure;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    for (const auto& spec : transports) co_await exercise(server, spec, tally);
  }, [&](std::exception_ptr e) { failure = e; });
  io.run();
  server.stop();
  if (failure) std::rethrow_exception(failure);
  return std::to_string(tally.handshakes) + " transports, " + std::to_string(tally.calls) + " calls, " +
         std::to_string(tally.parts * kPartSize / 1024 / 1024) + " MiB of file parts verified, " +
         std::to_string(tally.bad_salts) + " salt changes lived through";
}

}  // namespace mtpipe::app
