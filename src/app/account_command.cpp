#include "app/account_command.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <termios.h>
#include <unistd.h>

#include "app/network_choice.h"
#include "app/query_json.h"
#include "client/client.h"
#include "client/login.h"
#include "client/rpc_error.h"
#include "client/session_file/session_store.h"
#include "mtproto/transport/framing.h"
#include "net/proxy_url.h"
#include "tl/json_bridge.h"
#include "tl/schema_table.h"

namespace mtpipe::app {
namespace asio = boost::asio;
using client::session_file::SessionStore;

namespace {

// Bad input found before anything was sent: exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

client::ClientOptions client_options(const AccountOptions& o) {
  client::ClientOptions c;
  try {
    c.network = network_for(o.server);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  c.api.api_id = o.api_id;
  c.api.api_hash = o.api_hash;
  if (o.server.rfind("telegram", 0) == 0 && (o.api_id == 0 || o.api_hash.empty()))
    throw UsageError("MTPROTO_API_ID and MTPROTO_API_HASH must be set for Telegram (get them at my.telegram.org)");
  const auto transport = mtproto::transport::parse_transport_spec(o.transport);
  if (!transport) throw UsageError("--transport: unknown transport '" + o.transport + "'");
  c.transport = *transport;
  if (!o.proxy.empty()) {
    try {
      c.proxy = net::parse_proxy_url(o.proxy);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--proxy: ") + e.what());
    }
  }
  if (o.timeout_s <= 0) throw UsageError("--timeout must be a positive number of seconds");
  c.request_timeout = std::chrono::seconds(o.timeout_s);
  return c;
}

// Runs `body` with the account's Client on a private io_context; every session change is saved at once, and
// the final state (salts included) when the body ends, however it ends.
int with_client(const AccountOptions& o, const client::ClientOptions& options, client::SessionData session,
                const std::function<asio::awaitable<void>(client::Client&)>& body) {
  const SessionStore store(o.sessions_dir);
  client::session_file::ensure_sessions_dir(store.dir());
  asio::io_context io;
  client::Client account(io.get_executor(), options, std::move(session), crypto::system_rng(), mtproto::system_clock());
  account.on_session_changed([&](const client::SessionData& s) { store.save(o.account, s); });
  std::exception_ptr error;
  asio::co_spawn(io, body(account), [&](std::exception_ptr e) {
    error = e;
    io.stop();
  });
  io.run();
  store.save(o.account, account.session());
  account.close();
  if (error) std::rethrow_exception(error);
  return 0;
}

// A value from the flag or environment, else from the terminal; never echoed when secret.
std::string ask(const std::string& given, const std::string& what, const std::string& flag, bool secret) {
  if (!given.empty()) return given;
  if (!isatty(STDIN_FILENO))
    throw client::LoginError("the " + what + " is needed and there is no terminal to ask: pass " + flag);
  std::cerr << what << ": " << std::flush;
  termios saved{};
  const bool hide = secret && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (hide) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (line.empty()) throw client::LoginError("no " + what + " given");
  return line;
}

void print_rpc_error(const client::RpcError& e) {
  std::cerr << "error: " << e.message() << " (" << e.code() << ")";
  const auto description = e.description();
  if (!description.empty()) std::cerr << ": " << description;
  if (e.retry_at()) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(*e.retry_at() - std::chrono::steady_clock::now());
    std::cerr << " [may be sent again in " << left.count() << " s" << (e.held_locally() ? ", not sent" : "") << "]";
  }
  std::cerr << "\n";
}

// Runs a command body and turns what it threw into a message and an exit status.
int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const client::RpcError& e) {
    print_rpc_error(e);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

// The stored session, or a fresh one when the account has none yet (login only).
client::SessionData load_or_new(const SessionStore& store, const std::string& account) {
  if (!store.exists(account)) return {};
  return store.load(account);
}

// A session imported from Telethon has a logged-in key but no user id; learn it before the first call, so that
// the login can be carried to other DCs.
asio::awaitable<void> identify_if_imported(client::Client& account) {
  const auto session = account.session();
  const auto home = session.dcs.find(session.home_dc);
  if (!session.logged_in() && home != session.dcs.end() && home->second.authorized) (void)co_await client::identify(account);
}

void print_login(const client::LoginResult& r, const std::string& account) {
  std::cout << "logged in: account " << account << " is " << (r.bot ? "bot " : "") << "\"" << r.name << "\" (user id "
            << r.user_id << ") on DC " << r.home_dc << (r.used_password ? ", with its 2FA password" : "") << "\n";
}

}  // namespace

int run_login(const AccountOptions& o, const LoginOptions& login) {
  return guarded([&] {
    const SessionStore store(o.sessions_dir);
    auto session = load_or_new(store, o.account);
    if (session.logged_in()) {
      std::cout << "account " << o.account << " is already logged in (user id " << *session.user_id
                << "); `mtpipe logout --account " << o.account << "` first to log in again\n";
      return 0;
    }
    const auto options = client_options(o);
    return with_client(o, options, std::move(session), [&](client::Client& account) -> asio::awaitable<void> {
      client::LoginResult result;
      if (!login.bot_token.empty()) {
        result = co_await client::login_as_bot(account, options.api, login.bot_token);
      } else {
        client::CodeLogin input;
        input.phone = ask(login.phone, "phone number", "--phone or MTPIPE_PHONE", false);
        input.code = [&] { return ask(login.code, "login code", "--code or MTPIPE_LOGIN_CODE", false); };
        input.password = [&](const std::string& hint) {
          return ask(login.password, hint.empty() ? "2FA password" : "2FA password (hint: " + hint + ")",
                     "--password or MTPIPE_2FA_PASSWORD", true);
        };
        result = co_await client::login_with_code(account, options.api, std::move(input));
      }
      print_login(result, o.account);
    });
  });
}

int run_logout(const AccountOptions& o) {
  return guarded([&] {
    const SessionStore store(o.sessions_dir);
    auto session = store.load(o.account);
    with_client(o, client_options(o), std::move(session), [&](client::Client& account) -> asio::awaitable<void> {
      co_await client::logout(account);
    });
    std::filesystem::remove(store.path_of(o.account));
    std::cout << "logged out: account " << o.account << "; its session file is deleted\n";
    return 0;
  });
}

int run_call(const AccountOptions& o, const CallOptions& call) {
  return guarded([&] {
    std::vector<std::uint8_t> query;
    try {
      query = query_from_json(call.method, call.params);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    const auto* method = tl::schema::find(call.method);
    const SessionStore store(o.sessions_dir);
    auto session = store.load(o.account);
    std::vector<std::uint8_t> answer;
    with_client(o, client_options(o), std::move(session), [&](client::Client& account) -> asio::awaitable<void> {
      co_await identify_if_imported(account);
      client::CallOptions per_call;
      if (call.dc != 0) per_call.dc = call.dc;
      answer = co_await account.call(query, per_call);
    });
    std::cout << tl::result_to_json(*method, answer, !call.compact) << "\n";
    return 0;
  });
}

int check_session_online(const AccountOptions& o, const client::SessionData& session, std::ostream& out) {
  return guarded([&] {
    with_client(o, client_options(o), session, [&](client::Client& account) -> asio::awaitable<void> {
      const auto who = co_await client::identify(account);
      out << "online: the key works; account is " << (who.bot ? "bot " : "") << "\"" << who.name << "\" (user id "
          << who.user_id << ") on DC " << who.home_dc << "\n";
    });
    return 0;
  });
}

}  // namespace mtpipe::app
