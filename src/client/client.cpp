#include "client/client.h"

#include <boost/asio/this_coro.hpp>
#include <map>
#include <set>

#include "client/dc_link.h"
#include "client/flood_memory.h"
#include "client/rpc_error.h"
#include "async/event.h"
#include "async/sleep.h"
#include "mtproto/session/message_unpack.h"
#include "tl/api.h"
#include "tl/schema_table.h"

namespace mtpipe::client {
namespace asio = boost::asio;
using mtproto::CallError;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds until(SteadyClock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

// PHONE/USER/NETWORK_MIGRATE move the account; FILE/STATS_MIGRATE send just this request elsewhere.
bool moves_home(RpcErrorKind kind) {
  return kind == RpcErrorKind::phone_migrate || kind == RpcErrorKind::user_migrate ||
         kind == RpcErrorKind::network_migrate;
}

}  // namespace

class ClientCore final : public LinkHost, public std::enable_shared_from_this<ClientCore> {
 public:
  ClientCore(asio::any_io_executor executor, ClientOptions options, SessionData session, crypto::Rng& rng,
             const mtproto::Clock& clock)
      : executor_(std::move(executor)), options_(std::move(options)), session_(std::move(session)), rng_(rng),
        clock_(clock) {
    if (session_.home_dc == 0) session_.home_dc = options_.network.default_dc;
  }

  // ---- LinkHost ----
  const ClientOptions& options() const override { return options_; }
  crypto::Rng& rng() override { return rng_; }
  const mtproto::Clock& clock() const override { return clock_; }
  ClientStats& stats() override { return stats_; }
  // The network's own list wins (a sim restarted on new ports, Telegram's published addresses); the session's
  // addresses serve DCs the list does not name (a session imported from elsewhere).
  std::optional<net::Endpoint> address(std::int32_t dc) const override {
    const DcAddress* a = find_address(options_.network.bootstrap, dc);
    if (!a) a = session_.address(dc);
    if (!a) return std::nullopt;
    return net::Endpoint{a->host, a->port};
  }
  std::optional<mtproto::HandshakeResult> saved_key(std::int32_t dc) const override {
    const auto it = session_.dcs.find(dc);
    if (it == session_.dcs.end()) return std::nullopt;
    mtproto::HandshakeResult r;
    r.key = it->second.key;
    r.server_salt = it->second.server_salt;
    r.time_offset_ns = it->second.time_offset_ns;
    r.dc = dc;
    return r;
  }
  void key_created(std::int32_t dc, const mtproto::HandshakeResult& key) override {
    session_.dcs[dc] = DcAuth{key.key, key.server_salt, key.time_offset_ns, false};
    changed();
  }
  void reached(std::int32_t dc, const net::Endpoint& address) override {
    const auto* known = session_.address(dc);
    if (known && known->host == address.host && known->port == address.port) return;
    std::erase_if(session_.addresses, [dc](const DcAddress& a) { return a.dc_id == dc && !a.media_only; });
    session_.addresses.push_back(DcAddress{dc, address.host, address.port, false});
    changed();
  }
  void pushed(std::int32_t dc, mtproto::Push push) override {
    ++stats_.updates;
    if (on_update_) on_update_(PushedUpdate{dc, std::move(push)});
  }
  // Updates reach the account on its home DC: with a handler for them, that connection is kept up.
  bool keeps_open(std::int32_t dc) const override { return !closed_ && on_update_ && dc == session_.home_dc; }

  // ---- the account ----
  asio::awaitable<std::vector<std::uint8_t>> call(std::vector<std::uint8_t> query, CallOptions call_options);

  SessionData snapshot() const {
    SessionData s = session_;
    for (const auto& [dc, link] : links_) {
      const auto state = link->resume_state();
      auto it = s.dcs.find(dc);
      if (!state || it == s.dcs.end() || it->second.key.id != state->key.id) continue;
      it->second.server_salt = state->server_salt;
      it->second.time_offset_ns = state->time_offset_ns;
    }
    return s;
  }
  void set_logged_in(std::int64_t user_id, bool bot) {
    session_.user_id = user_id;
    session_.bot = bot;
    // The login belongs to the home DC's key; without one there is nothing to mark (an entry made here would be
    // a key of zeros, used and saved as if it were real).
    if (DcAuth* home = auth_of(session_.home_dc)) home->authorized = true;
    changed();
  }
  void set_logged_out() {
    session_.user_id.reset();
    for (auto& [dc, auth] : session_.dcs) auth.authorized = false;
    changed();
  }
  std::int32_t home_dc() const { return session_.home_dc; }
  void reopen(SessionData session) {
    close();
    session_ = std::move(session);
    if (session_.home_dc == 0) session_.home_dc = options_.network.default_dc;
    closed_ = false;
  }
  void close() {
    closed_ = true;
    for (auto& [dc, link] : links_) link->close();
    links_.clear();
    imported_.notify_all();
  }

  std::function<void(PushedUpdate)> on_update_;
  std::function<void(const SessionData&)> on_session_changed_;

 private:
  std::shared_ptr<DcLink> link(std::int32_t dc) {
    auto& slot = links_[dc];
    if (!slot) slot = std::make_shared<DcLink>(executor_, dc, weak_from_this());
    return slot;
  }
  // The saved key of `dc`, or null. Lookups never add an entry: one made by a lookup would hold a key of zeros.
  DcAuth* auth_of(std::int32_t dc) {
    const auto it = session_.dcs.find(dc);
    return it == session_.dcs.end() ? nullptr : &it->second;
  }
  void changed() {
    if (on_session_changed_) on_session_changed_(snapshot());
  }
  static std::optional<ClientProxy> client_proxy(const std::optional<net::ProxyUrl>& proxy) {
    if (!proxy || proxy->kind != net::ProxyUrl::Kind::mtproxy) return std::nullopt;
    return ClientProxy{proxy->endpoint.host, proxy->endpoint.port};
  }

  // One send on `dc`'s connection, with initConnection when the connection is new. Throws CallError.
  asio::awaitable<std::vector<std::uint8_t>> send_once(std::int32_t dc, std::span<const std::uint8_t> query,
                                                       SteadyClock::time_point deadline,
                                                       std::shared_ptr<mtproto::Connection>& used);
  // Makes the account's login valid on `dc` (export from home, import there), once per DC. Single flight.
  asio::awaitable<void> authorize_on(std::int32_t dc, SteadyClock::time_point deadline);
  // The DC answered -404: it does not know our key (a server that lost its state, a sim restarted). The key is
  // dropped, so the next connection makes a new one (and imports the login again on another DC); the home DC's
  // logged-in key cannot be replaced that way: the login is gone, and the caller hears so.
  void forget_key(std::int32_t dc) {
    const auto it = session_.dcs.find(dc);
    if (it == session_.dcs.end()) return;
    const bool login_lost = it->second.authorized && dc == session_.home_dc;
    session_.dcs.erase(it);
    if (login_lost) session_.user_id.reset();
    changed();
    if (login_lost) {
      ++stats_.failed;
      throw RpcError::from_server(401, "AUTH_KEY_UNREGISTERED");
    }
  }
  void move_home(std::int32_t dc) {
    session_.home_dc = dc;
    ++stats_.migrations;
    changed();
  }

  asio::any_io_executor executor_;
  ClientOptions options_;
  SessionData session_;
  crypto::Rng& rng_;
  const mtproto::Clock& clock_;
  ClientStats stats_;
  FloodMemory flood_;
  std::map<std::int32_t, std::shared_ptr<DcLink>> links_;
  std::set<std::int32_t> importing_;  // DCs whose authorization import runs
  async::Event imported_;
  bool closed_ = false;
};

asio::awaitable<std::vector<std::uint8_t>> ClientCore::send_once(std::int32_t dc, std::span<const std::uint8_t> query,
                                                                 SteadyClock::time_point deadline,
                                                                 std::shared_ptr<mtproto::Connection>& used) {
  const auto l = link(dc);  // held: close() may drop the account's links while this waits
  auto connection = co_await l->connection(deadline);
  used = connection;
  std::vector<std::uint8_t> wire = l->needs_init(*connection)
                                       ? wrap_init_connection(query, options_.api, tl::kLayer, client_proxy(l->proxy()))
                                       : std::vector<std::uint8_t>(query.begin(), query.end());
  auto answer = co_await connection->call(std::move(wire), until(deadline));
  l->answered(*connection);
  co_return answer;
}

asio::awaitable<void> ClientCore::authorize_on(std::int32_t dc, SteadyClock::time_point deadline) {
  for (;;) {
    if (closed_) throw CallError(CallError::Kind::connection_lost, "the account's client is closed");
    const DcAuth* auth = auth_of(dc);
    if (!session_.logged_in() || dc == session_.home_dc || (auth != nullptr && auth->authorized)) co_return;
    if (!importing_.contains(dc)) break;
    const bool imported = co_await imported_.wait_until(deadline);  // not inside the if: g++ 12 miscompiles that
    if (!imported)
      throw RpcError::timed_out("authorizing on DC " + std::to_string(dc) + " took longer than the call's timeout");
  }
  // Whatever ends the import (an answer, an error of any type, cancellation), the next caller may try again.
  struct Importing {
    ClientCore& core;
    std::int32_t dc;
    ~Importing() {
      core.importing_.erase(dc);
      core.imported_.notify_all();
    }
  } importing{*this, dc};
  importing_.insert(dc);
  std::optional<CallError> failed;
  try {
    tl::api::auth::exportAuthorization ex;
    ex.dc_id = dc;
    const auto export_query = tl::serialize(ex);
    std::shared_ptr<mtproto::Connection> used;
    const auto exported_bytes = co_await send_once(session_.home_dc, export_query, deadline, used);
    tl::Reader r(exported_bytes);
    const auto result = tl::api::auth::exportAuthorization::tl_read_result(r);
    const auto* exported = dynamic_cast<const tl::api::auth::exportedAuthorization*>(result.get());
    if (!exported) throw CallError(CallError::Kind::refused, "auth.exportAuthorization answered an unexpected type");
    tl::api::auth::importAuthorization im;
    im.id = exported->id;
    im.bytes = exported->bytes;
    const auto import_query = tl::serialize(im);
    (void)co_await send_once(dc, import_query, deadline, used);
    // The key the import went over; a -404 on another call may have dropped it meanwhile, and then the next
    // call makes a new key and imports again.
    if (DcAuth* auth = auth_of(dc)) auth->authorized = true;
    ++stats_.authorizations_imported;
  } catch (const CallError& e) {
    failed = e;
  }
  if (failed) {
    ++stats_.failed;
    // The same types call() throws: the server's refusals and timeouts as RpcError.
    if (failed->kind() == CallError::Kind::rpc_error) throw RpcError::from_server(failed->rpc_code(), failed->rpc_message());
    if (failed->kind() == CallError::Kind::timeout)
      throw RpcError::timed_out("authorizing on DC " + std::to_string(dc) + ": " + failed->what());
    throw *failed;
  }
  changed();
}

asio::awaitable<std::vector<std::uint8_t>> ClientCore::call(std::vector<std::uint8_t> query, CallOptions call_options) {
  const auto self = shared_from_this();  // the account outlives its calls
  const std::uint32_t method = mtproto::session::constructor_of(query);
  const auto deadline = SteadyClock::now() + call_options.timeout.value_or(options_.request_timeout);
  std::optional<std::int32_t> pinned_dc = call_options.dc;
  int failures = 0, migrations = 0;
  ++stats_.calls;
  for (;;) {
    if (closed_) throw CallError(CallError::Kind::connection_lost, "the account's client is closed");
    // A method whose flood wait still runs is not sent: a short rest is slept, a long one handed back.
    if (const auto until_t = flood_.blocked_until(method, SteadyClock::now())) {
      const auto rest = *until_t - SteadyClock::now();
      if (rest <= std::chrono::duration<double>(options_.sleep_threshold_s) && *until_t < deadline) {
        ++stats_.flood_sleeps;
        co_await async::sleep_for(rest);
        continue;
      }
      const auto seconds = std::chrono::ceil<std::chrono::seconds>(rest).count();
      auto held = RpcError::from_server(420, "FLOOD_WAIT_" + std::to_string(seconds));
      held.set_retry_at(*until_t);
      held.set_held_locally();
      ++stats_.flood_blocked_locally;
      ++stats_.failed;
      throw held;
    }
    const std::int32_t dc = pinned_dc.value_or(session_.home_dc);
    if (!address(dc)) {
      ++stats_.failed;
      throw CallError(CallError::Kind::connection_lost, "no address known for DC " + std::to_string(dc));
    }
    co_await authorize_on(dc, deadline);

    std::optional<CallError> error;
    std::shared_ptr<mtproto::Connection> used;
    if (call_options.trace) call_options.trace->dc = dc;
    try {
      auto answer = co_await send_once(dc, query, deadline, used);
      ++stats_.ok;
      co_return answer;
    } catch (const CallError& e) {
      error = e;
    } catch (const async::Cancelled&) {
      ++stats_.failed;
      throw;
    }

    if (error->kind() == CallError::Kind::timeout) {
      ++stats_.failed;
      throw RpcError::timed_out(tl::schema::name_of(method) + ": " + error->what());
    }
    if (error->kind() != CallError::Kind::rpc_error) {
      // The connection went away (or was refused) before the answer: re-send on a new one, or fail.
      if (used && used->transport_error() == -404) forget_key(dc);
      // A lookup, not link(dc): after close() the links are gone, and a new one must not appear for a lost call.
      if (const auto l = links_.find(dc); used && l != links_.end()) l->second->lost(used);
      if (!call_options.resend_after_reconnect || ++failures > options_.retry_max) {
        ++stats_.failed;
        throw *error;
      }
      ++stats_.resent_after_reconnect;
      continue;
    }

    auto rpc = RpcError::from_server(error->rpc_code(), error->rpc_message());
    const auto kind = rpc.kind();
    if (rpc.is_migrate() && rpc.value() && ++migrations <= options_.max_migrations) {
      const std::int32_t target = *rpc.value();
      if (moves_home(kind) && !pinned_dc) {
        // The account lives elsewhere: carry the login over (when there is one), then make that DC home.
        if (session_.logged_in()) co_await authorize_on(target, deadline);
        move_home(target);
      } else {
        ++stats_.migrations;
        if (call_options.trace) ++call_options.trace->request_migrations;
        pinned_dc = target;
      }
      continue;
    }
    if (rpc.is_wait() && kind != RpcErrorKind::slowmode_wait) {
      const auto now = SteadyClock::now();
      flood_.record(method, rpc, now);
      const auto decision = decide_wait(rpc, options_.sleep_threshold_s);
      if (decision.sleep && now + decision.wait < deadline) {
        ++stats_.flood_sleeps;
        co_await async::sleep_for(decision.wait);
        continue;
      }
      rpc.set_retry_at(now + decision.wait);
      ++stats_.flood_surfaced;
      ++stats_.failed;
      throw rpc;
    }
    DcAuth* auth = auth_of(dc);
    if (kind == RpcErrorKind::auth_key_unregistered && dc != session_.home_dc && session_.logged_in() &&
        auth != nullptr && auth->authorized && failures++ < options_.retry_max) {
      // The other DC forgot our imported login: import it again.
      auth->authorized = false;
      continue;
    }
    // A 500-class error may mean the request ran: retried only when running twice is allowed, and only when
    // the pause fits before the deadline.
    if (rpc.is_internal() && call_options.resend_after_reconnect && ++failures <= options_.retry_max) {
      const auto pause = backoff_delay(options_.reconnect, failures, rng_);
      if (SteadyClock::now() + pause < deadline) {
        ++stats_.retried_internal;
        co_await async::sleep_for(pause);
        continue;
      }
    }
    ++stats_.failed;
    throw rpc;
  }
}

// ---- Client ----

Client::Client(asio::any_io_executor executor, ClientOptions options, SessionData session, crypto::Rng& rng,
               const mtproto::Clock& clock)
    : core_(std::make_shared<ClientCore>(std::move(executor), std::move(options), std::move(session), rng, clock)) {}

Client::~Client() { core_->close(); }

asio::awaitable<std::vector<std::uint8_t>> Client::call(std::vector<std::uint8_t> query, CallOptions options) {
  return core_->call(std::move(query), std::move(options));
}

void Client::on_update(std::function<void(PushedUpdate)> handler) { core_->on_update_ = std::move(handler); }
void Client::on_session_changed(std::function<void(const SessionData&)> handler) {
  core_->on_session_changed_ = std::move(handler);
}
SessionData Client::session() const { return core_->snapshot(); }
void Client::set_logged_in(std::int64_t user_id, bool bot) { core_->set_logged_in(user_id, bot); }
void Client::set_logged_out() { core_->set_logged_out(); }
std::int32_t Client::home_dc() const { return core_->home_dc(); }
const ClientStats& Client::stats() const { return core_->stats(); }
void Client::close() { core_->close(); }
void Client::reopen(SessionData session) { core_->reopen(std::move(session)); }

}  // namespace mtpipe::client
