#include "client/client.h"

#include <boost/asio/this_coro.hpp>
#include <map>
#include <set>

#include "async/event.h"
#include "async/sleep.h"
#include "client/call/flood_hold.h"
#include "client/call/internal_retry.h"
#include "client/call/migration.h"
#include "client/call/reauthorization.h"
#include "client/call/resend.h"
#include "client/dc_link.h"
#include "client/flood_memory.h"
#include "client/rpc_error.h"
#include "tl/api.h"

namespace mtpipe::client {
namespace asio = boost::asio;
using mtproto::CallError;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds until(SteadyClock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

class ClientCore final : public LinkHost,
                         public AccountAccess,
                         private CallStep,
                         public std::enable_shared_from_this<ClientCore> {
 public:
  ClientCore(asio::any_io_executor executor, ClientOptions options, SessionData session, crypto::Rng& rng,
             const mtproto::Clock& clock)
      : executor_(std::move(executor)), options_(std::move(options)), session_(std::move(session)), rng_(rng),
        clock_(clock), flood_(options_.flood_memory ? options_.flood_memory : std::make_shared<FloodMemory>()) {
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
  // ---- AccountAccess: what the call policies ask of and do to the account ----
  std::int32_t home_dc() const override { return session_.home_dc; }
  bool logged_in() const override { return session_.logged_in(); }
  bool authorized_on(std::int32_t dc) const override {
    const auto it = session_.dcs.find(dc);
    return it != session_.dcs.end() && it->second.authorized;
  }
  void forget_authorization(std::int32_t dc) override {
    if (DcAuth* auth = auth_of(dc)) auth->authorized = false;
  }
  // Makes the account's login valid on `dc` (export from home, import there), once per DC. Single flight.
  asio::awaitable<void> authorize_on(std::int32_t dc, SteadyClock::time_point deadline) override;
  void move_home(std::int32_t dc) override {
    session_.home_dc = dc;
    changed();
  }

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
  // The bottom of the account's policies: one send to the call's DC (its pinned one, or home), its login
  // imported there first. Returns the server's refusal or a lost connection as the outcome; throws a timeout
  // (as RpcError), a cancellation, and what fails before the send.
  asio::awaitable<Outcome> send(Call& call) override;
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
    if (login_lost) throw RpcError::from_server(401, "AUTH_KEY_UNREGISTERED");
  }
  asio::any_io_executor executor_;
  ClientOptions options_;
  SessionData session_;
  crypto::Rng& rng_;
  const mtproto::Clock& clock_;
  ClientStats stats_;
  std::shared_ptr<FloodMemory> flood_;
  std::map<std::int32_t, std::shared_ptr<DcLink>> links_;
  std::set<std::int32_t> importing_;  // DCs whose authorization import runs
  async::Event imported_;
  bool closed_ = false;
  // The account's policies, the innermost first: each retry re-runs every step below it, so a re-sent call meets
  // the flood hold and the login import again, as a new one would.
  FloodHold flood_hold_{*this, *flood_, options_.sleep_threshold_s, stats_, async::sleep_for};
  InternalRetry internal_retry_{flood_hold_, options_.reconnect, options_.retry_max, rng_, stats_, async::sleep_for};
  Resend resend_{internal_retry_, options_.retry_max, stats_};
  Reauthorization reauthorization_{resend_, *this, options_.retry_max};
  Migration migration_{reauthorization_, *this, options_.max_migrations, stats_};
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
    // The same types call() throws: the server's refusals and timeouts as RpcError.
    if (failed->kind() == CallError::Kind::rpc_error) throw RpcError::from_server(failed->rpc_code(), failed->rpc_message());
    if (failed->kind() == CallError::Kind::timeout)
      throw RpcError::timed_out("authorizing on DC " + std::to_string(dc) + ": " + failed->what());
    throw *failed;
  }
  changed();
}

asio::awaitable<Outcome> ClientCore::send(Call& call) {
  if (closed_) throw CallError(CallError::Kind::connection_lost, "the account's client is closed");
  const std::int32_t dc = call.pinned_dc.value_or(session_.home_dc);
  if (!address(dc)) throw CallError(CallError::Kind::connection_lost, "no address known for DC " + std::to_string(dc));
  co_await authorize_on(dc, call.deadline);
  call.sent_to = dc;
  if (call.trace) call.trace->dc = dc;
  std::optional<CallError> error;
  std::shared_ptr<mtproto::Connection> used;
  try {
    co_return co_await send_once(dc, call.query, call.deadline, used);
  } catch (const CallError& e) {
    error = e;
  }
  switch (error->kind()) {
    case CallError::Kind::timeout: throw RpcError::timed_out(call.method.text() + ": " + error->what());
    case CallError::Kind::rpc_error: co_return RpcError::from_server(error->rpc_code(), error->rpc_message());
    case CallError::Kind::connection_lost:
    case CallError::Kind::refused: break;
  }
  // The connection went away (or was refused) before the answer.
  if (used && used->transport_error() == -404) forget_key(dc);
  // A lookup, not link(dc): after close() the links are gone, and a new one must not appear for a lost call.
  if (const auto l = links_.find(dc); used && l != links_.end()) l->second->lost(used);
  co_return *error;
}

asio::awaitable<std::vector<std::uint8_t>> ClientCore::call(std::vector<std::uint8_t> query, CallOptions call_options) {
  const auto self = shared_from_this();  // the account outlives its calls
  Call call;
  call.method = call_options.method ? *call_options.method : Method::of(query);
  call.query = query;
  call.deadline = SteadyClock::now() + call_options.timeout.value_or(options_.request_timeout);
  call.pinned_dc = call_options.dc;
  call.resend_after_reconnect = call_options.resend_after_reconnect;
  call.trace = call_options.trace;
  ++stats_.calls;
  std::exception_ptr failure;
  try {
    auto outcome = co_await migration_.send(call);
    if (auto* answer = std::get_if<Answer>(&outcome)) {
      ++stats_.ok;
      co_return std::move(*answer);
    }
    // No policy could do more: the outcome is the call's error.
    if (auto* rpc = std::get_if<RpcError>(&outcome)) throw std::move(*rpc);
    throw std::get<CallError>(std::move(outcome));
  } catch (...) {
    failure = std::current_exception();
  }
  ++stats_.failed;
  std::rethrow_exception(failure);
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
