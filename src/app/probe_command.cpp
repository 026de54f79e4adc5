#include "app/probe_command.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/connection/connection.h"
#include "mtproto/error.h"
#include "mtproto/transport/framing.h"
#include "net/dial.h"
#include "sim/ready_file.h"
#include "tl/api.h"
#include "tl/json.h"

namespace mtpipe::app {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// A public or private key in PEM form, or the sim's ready file (JSON with rsa_public_pem).
crypto::RsaPublicKey read_server_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("probe: cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.find('{') == 0) text = sim::ReadyFile::parse(text).rsa_public_pem;
  if (text.find("PRIVATE KEY") != std::string::npos) return crypto::RsaPrivateKey::from_pem(text).public_key();
  return crypto::RsaPublicKey::from_pem(text);
}

struct ProbeReport {
  double connect_ms = 0, handshake_ms = 0;
  int handshake_attempts = 0;
  int ok = 0;
  std::map<std::string, int> errors;
  std::string failure;  // connect or handshake failure
  std::int32_t this_dc = 0, nearest_dc = 0;
  std::string country;
  std::vector<double> latencies_ms;
  double total_s = 0;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

asio::awaitable<void> probe(const ProbeOptions& o, const net::Endpoint& to, mtproto::ConnectionOptions copts,
                            ProbeReport& report) {
  const auto timeout = std::chrono::milliseconds(o.timeout_ms);
  auto start = Clock::now();
  const auto executor = co_await asio::this_coro::executor;
  auto socket = co_await net::dial(executor, to, timeout);
  report.connect_ms = ms_since(start);
  auto connection = mtproto::Connection::create(std::move(socket), std::move(copts), crypto::system_rng(),
                                                mtproto::system_clock());
  co_await connection->start();
  report.handshake_ms = std::chrono::duration<double, std::milli>(connection->stats().handshake_time).count();
  report.handshake_attempts = connection->stats().handshake_attempts;
  const auto all = Clock::now();
  for (int i = 0; i < o.count; ++i) {
    start = Clock::now();
    try {
      const auto answer = co_await connection->invoke(tl::api::help::getNearestDc{}, timeout);
      report.latencies_ms.push_back(ms_since(start));
      if (const auto* dc = dynamic_cast<const tl::api::nearestDc*>(answer.get())) {
        report.this_dc = dc->this_dc;
        report.nearest_dc = dc->nearest_dc;
        report.country = dc->country;
      }
      ++report.ok;
    } catch (const mtproto::CallError& e) {
      ++report.errors[e.what()];
      if (!connection->open()) break;
    }
  }
  report.total_s = std::chrono::duration<double>(Clock::now() - all).count();
  connection->close();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void print_text(const ProbeOptions& o, const ProbeReport& r) {
  std::printf("probe %s over %s\n", o.address.c_str(), o.transport.c_str());
  if (r.connect_ms > 0) std::printf("  connected in %.2f ms\n", r.connect_ms);
  if (r.handshake_ms > 0) std::printf("  handshake in %.2f ms (%d attempt%s)\n", r.handshake_ms, r.handshake_attempts,
                                      r.handshake_attempts == 1 ? "" : "s");
  if (!r.failure.empty()) std::printf("  FAILED: %s\n", r.failure.c_str());
  if (r.ok + static_cast<int>(r.errors.size()) > 0 || r.failure.empty()) {
    int errors = 0;
    for (const auto& [text, n] : r.errors) errors += n;
    std::printf("  help.getNearestDc x%d: %d ok, %d failed", o.count, r.ok, errors);
    if (r.ok > 0) std::printf("; this_dc %d, nearest_dc %d, country %s", r.this_dc, r.nearest_dc, r.country.c_str());
    std::printf("\n");
    for (const auto& [text, n] : r.errors) std::printf("    %d x %s\n", n, text.c_str());
  }
  if (!r.latencies_ms.empty())
    std::printf("  latency: min %.3f ms, median %.3f ms, p99 %.3f ms; %.0f requests/s\n",
                percentile(r.latencies_ms, 0), percentile(r.latencies_ms, 0.5), percentile(r.latencies_ms, 0.99),
                r.total_s > 0 ? r.ok / r.total_s : 0.0);
}

void print_json(const ProbeOptions& o, const ProbeReport& r) {
  tl::json::Writer w;
  w.begin_object();
  w.key("address"), w.string(o.address);
  w.key("transport"), w.string(o.transport);
  w.key("connect_ms"), w.number(r.connect_ms);
  w.key("handshake_ms"), w.number(r.handshake_ms);
  w.key("handshake_attempts"), w.integer(r.handshake_attempts);
  w.key("failure"), r.failure.empty() ? w.null() : w.string(r.failure);
  w.key("requests"), w.integer(o.count);
  w.key("ok"), w.integer(r.ok);
  w.key("errors"), w.begin_object();
  for (const auto& [text, n] : r.errors) w.key(text), w.integer(n);
  w.end_object();
  w.key("this_dc"), w.integer(r.this_dc);
  w.key("nearest_dc"), w.integer(r.nearest_dc);
  w.key("country"), w.string(r.country);
  w.key("latency_ms"), w.begin_object();
  w.key("min"), w.number(percentile(r.latencies_ms, 0));
  w.key("median"), w.number(percentile(r.latencies_ms, 0.5));
  w.key("p99"), w.number(percentile(r.latencies_ms, 0.99));
  w.end_object();
  w.key("requests_per_second"), w.number(r.total_s > 0 ? r.ok / r.total_s : 0.0);
  w.end_object();
  std::cout << w.take() << std::endl;
}

}  // namespace

int run_probe(const ProbeOptions& o) {
  const auto endpoint = net::parse_endpoint(o.address);
  if (!endpoint) {
    std::cerr << "probe: --addr must be HOST:PORT, got '" << o.address << "'\n";
    return 2;
  }
  const auto spec = mtproto::transport::parse_transport_spec(o.transport);
  if (!spec) {
    std::cerr << "probe: unknown --transport '" << o.transport
              << "' (abridged, intermediate, padded, full, obfuscated-abridged, obfuscated-intermediate, "
                 "obfuscated-padded)\n";
    return 2;
  }
  if (o.count < 0) {
    std::cerr << "probe: -n must be 0 or more\n";
    return 2;
  }
  mtproto::ConnectionOptions copts;
  copts.transport = *spec;
  copts.handshake.dc = o.dc;
  copts.handshake_timeout = std::chrono::milliseconds(o.timeout_ms);
  try {
    copts.handshake.server_keys.push_back(read_server_key(o.rsa_key_file));
  } catch (const std::exception& e) {
    std::cerr << "probe: cannot use --rsa-key " << o.rsa_key_file << ": " << e.what() << "\n";
    return 2;
  }

  ProbeReport report;
  asio::io_context io(1);
  asio::co_spawn(io, probe(o, *endpoint, std::move(copts), report), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& failure) {
      report.failure = failure.what();
    }
  });
  io.run();
  o.json ? print_json(o, report) : print_text(o, report);
  return report.failure.empty() && report.ok == o.count ? 0 : 1;
}

}  // namespace mtpipe::app
