// mtpipe's client core under the same workloads as the third-party peer scripts (tests/peers), with the same
// command line and the same JSON line out, so bench/compare_peers.sh can put them side by side against one sim.
//
//   client_bench --ready FILE [--dc 2] [--transport intermediate] --mode seq|inflight|file|idle|load -n N
//                [--window W] [--connections C] [--part-size BYTES]
//
// seq: N sequential help.getNearestDc after one warm-up call; inflight: N calls, W (100) in flight on one
// connection; file: N upload.getFile parts of 128 KiB, bytes checked on the first pass; idle: N connected
// sessions (each answered one call), resident memory per session; load: C connections each keeping W calls in
// flight until N calls are done (drives the sim's capacity measurement). CPU figures come from this
// process's own getrusage.
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "async/event.h"
#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/connection/connection.h"
#include "net/dial.h"
#include "obs/fd_limit.h"
#include "sim/ready_file.h"
#include "sim/synthetic_file.h"
#include "tl/api.h"
#include "tl/json.h"

namespace {

namespace asio = boost::asio;
namespace api = mtpipe::tl::api;
using namespace std::chrono_literals;
using mtpipe::mtproto::Connection;

struct Args {
  std::string ready, transport = "intermediate", mode = "seq";
  int dc = 2, n = 1000, window = 0, connections = 1, part_size = 128 * 1024;
};

// User and kernel CPU seconds of this process.
struct Cpu {
  double user = 0, system = 0;
  double total() const { return user + system; }
};
Cpu cpu_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6,
          static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6};
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

struct Target {
  std::string host;
  std::uint16_t port = 0;
  std::optional<mtpipe::crypto::RsaPublicKey> key;
};

Target read_ready(const Args& a) {
  std::ifstream in(a.ready);
  std::stringstream text;
  text << in.rdbuf();
  const auto ready = mtpipe::sim::ReadyFile::parse(text.str());
  const auto port = ready.port(a.dc);
  if (!port) throw std::runtime_error("the sim serves no DC " + std::to_string(a.dc));
  return {ready.cluster.host, *port, mtpipe::crypto::RsaPublicKey::from_pem(ready.rsa_public_pem)};
}

class Bench {
 public:
  Bench(Args a, Target t) : args_(std::move(a)), target_(std::move(t)) {
    options_.transport = *mtpipe::mtproto::transport::parse_transport_spec(args_.transport);
    options_.handshake.server_keys.push_back(*target_.key);
    options_.handshake.dc = args_.dc;
  }

  asio::awaitable<std::shared_ptr<Connection>> connect() {
    // Named locals, not temporaries inside the co_await expression: g++ 12 mishandles those.
    const auto executor = co_await asio::this_coro::executor;
    const mtpipe::net::Endpoint endpoint{target_.host, target_.port};
    auto socket = co_await mtpipe::net::dial(executor, endpoint, 10s);
    auto c = Connection::create(std::move(socket), options_, mtpipe::crypto::system_rng(), mtpipe::mtproto::system_clock());
    co_await c->start();
    co_await nearest(*c);
    co_return c;
  }

  static asio::awaitable<void> nearest(Connection& c) {
    const auto answer = co_await c.invoke(api::help::getNearestDc{}, 30s);
    if (dynamic_cast<const api::nearestDc*>(answer.get()) == nullptr) throw std::runtime_error("bad getNearestDc answer");
  }

  asio::awaitable<void> run(mtpipe::tl::json::Writer& out) {
    if (args_.mode == "idle") co_return co_await idle(out);
    if (args_.mode == "load") co_return co_await load(out);
    auto c = co_await connect();
    const Cpu c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    if (args_.mode == "seq") {
      for (int i = 0; i < args_.n; ++i) co_await nearest(*c);
    } else if (args_.mode == "inflight") {
      co_await windowed(*c, args_.n, args_.window ? args_.window : 100);
    } else if (args_.mode == "file") {
      co_await file(*c, out);
    } else {
      throw std::runtime_error("unknown --mode " + args_.mode);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Cpu c1 = cpu_now();
    const double cpu = c1.total() - c0.total();
    c->close();
    out.key("requests"), out.integer(args_.n);
    out.key("wall_s"), out.number(wall);
    out.key("rps"), out.number(args_.n / wall);
    out.key(args_.mode == "file" ? "cpu_us_per_part" : "cpu_us_per_req"), out.number(cpu * 1e6 / args_.n);
    if (args_.mode == "seq") {
      out.key("cpu_user_us_per_req"), out.number((c1.user - c0.user) * 1e6 / args_.n);
      out.key("cpu_sys_us_per_req"), out.number((c1.system - c0.system) * 1e6 / args_.n);
    }
    if (args_.mode == "file") out.key("mb_s"), out.number(static_cast<double>(args_.n) * args_.part_size / 1e6 / wall);
  }

 private:
  // `total` calls over one connection, `window` at a time.
  static asio::awaitable<void> windowed(Connection& c, int total, int window) {
    auto ex = co_await asio::this_coro::executor;
    int started = 0, finished = 0;
    mtpipe::async::Event done;
    std::exception_ptr failure;
    auto worker = [&]() -> asio::awaitable<void> {
      while (started < total) {
        ++started;
        try {
          co_await nearest(c);
        } catch (...) {
          failure = std::current_exception();
        }
        if (++finished == total) done.notify_all();
      }
    };
    for (int i = 0; i < window; ++i) asio::co_spawn(ex, worker(), asio::detached);
    while (finished < total) co_await done.wait();
    if (failure) std::rethrow_exception(failure);
  }

  asio::awaitable<void> file(Connection& c, mtpipe::tl::json::Writer& out) {
    const int parts_per_file = static_cast<int>(mtpipe::sim::kSyntheticFileSize / args_.part_size);
    int verified = 0;
    for (int i = 0; i < args_.n; ++i) {
      const std::int64_t offset = static_cast<std::int64_t>(i % parts_per_file) * args_.part_size;
      const auto answer = co_await c.invoke(mtpipe::sim::synthetic_file_request(1, offset, args_.part_size), 30s);
      const auto* part = dynamic_cast<const api::upload::file*>(answer.get());
      if (part == nullptr || part->bytes.size() != static_cast<std::size_t>(args_.part_size))
        throw std::runtime_error("bad upload.file answer");
      if (i < parts_per_file) {
        if (!mtpipe::sim::is_synthetic_file_part(1, static_cast<std::uint64_t>(offset), part->bytes))
          throw std::runtime_error("file bytes differ at part " + std::to_string(i));
        ++verified;
      }
    }
    out.key("part_size"), out.integer(args_.part_size);
    out.key("verified_parts"), out.integer(verified);
  }

  asio::awaitable<void> idle(mtpipe::tl::json::Writer& out) {
    const long before = rss_kib();
    std::vector<std::shared_ptr<Connection>> sessions;
    sessions.reserve(static_cast<std::size_t>(args_.n));
    for (int i = 0; i < args_.n; ++i) sessions.push_back(co_await connect());
    const long after = rss_kib();
    out.key("sessions"), out.integer(args_.n);
    out.key("rss_before_kb"), out.integer(before);
    out.key("rss_after_kb"), out.integer(after);
    out.key("rss_per_session_kb"), out.number(static_cast<double>(after - before) / args_.n);
    for (auto& s : sessions) s->close();
  }

  asio::awaitable<void> load(mtpipe::tl::json::Writer& out) {
    std::vector<std::shared_ptr<Connection>> pool;
    for (int i = 0; i < args_.connections; ++i) pool.push_back(co_await connect());
    auto ex = co_await asio::this_coro::executor;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now().total();
    int finished = 0;
    mtpipe::async::Event done;
    const int per = args_.n / args_.connections;
    for (auto& c : pool)
      asio::co_spawn(ex, drive(c, per, args_.window ? args_.window : 100, finished, args_.connections, done),
                     asio::detached);
    while (finished < args_.connections) co_await done.wait();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.key("requests"), out.integer(per * args_.connections);
    out.key("connections"), out.integer(args_.connections);
    out.key("wall_s"), out.number(wall);
    out.key("rps"), out.number(per * args_.connections / wall);
    out.key("cpu_us_per_req"), out.number((cpu_now().total() - c0) * 1e6 / (per * args_.connections));
    for (auto& c : pool) c->close();
  }

  // One connection's share of the load; a function, not a lambda, so its arguments live in the coroutine frame.
  static asio::awaitable<void> drive(std::shared_ptr<Connection> c, int calls, int window, int& finished, int all,
                                     mtpipe::async::Event& done) {
    co_await windowed(*c, calls, window);
    if (++finished == all) done.notify_all();
  }

  Args args_;
  Target target_;
  mtpipe::mtproto::ConnectionOptions options_;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--ready") a.ready = v;
    else if (k == "--transport") a.transport = v;
    else if (k == "--mode") a.mode = v;
    else if (k == "--dc") a.dc = std::stoi(v);
    else if (k == "-n") a.n = std::stoi(v);
    else if (k == "--window") a.window = std::stoi(v);
    else if (k == "--connections") a.connections = std::stoi(v);
    else if (k == "--part-size") a.part_size = std::stoi(v);
    else {
      std::cerr << "client_bench: unknown option " << k << "\n";
      return 2;
    }
  }
  if (a.ready.empty() || !mtpipe::mtproto::transport::parse_transport_spec(a.transport)) {
    std::cerr << "client_bench: --ready FILE and a valid --transport are required\n";
    return 2;
  }
  mtpipe::obs::raise_open_file_limit();
  mtpipe::tl::json::Writer out;
  out.begin_object();
  out.key("peer"), out.string("mtpipe");
  out.key("transport"), out.string(a.transport);
  out.key("mode"), out.string(a.mode);
  std::string failure;
  try {
    Bench bench(a, read_ready(a));
    asio::io_context io(1);
    asio::co_spawn(io, bench.run(out), [&](std::exception_ptr e) {
      try {
        if (e) std::rethrow_exception(e);
      } catch (const std::exception& x) {
        failure = x.what();
      }
    });
    io.run();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  out.key("ok"), out.boolean(failure.empty());
  if (!failure.empty()) out.key("error"), out.string(failure);
  out.end_object();
  std::cout << out.take() << std::endl;
  return failure.empty() ? 0 : 1;
}
