#include "app/sessions_command.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <vector>

#include "client/session_file/account_name.h"
#include "client/session_file/session_check.h"
#include "client/session_file/session_store.h"
#include "client/session_file/telethon_import.h"
#include "tl/json.h"

namespace mtpipe::app {
namespace {

namespace sf = client::session_file;

constexpr int kProblem = 1, kUsage = 2;

int fail(int status, const std::string& message) {
  std::cerr << "mtpipe sessions: " << message << "\n";
  return status;
}

// 0 for a good account name; else the usage status, after saying what is wrong with it.
int check_name(const std::string& name) {
  try {
    sf::validate_account_name(name);
    return 0;
  } catch (const std::invalid_argument& e) {
    return fail(kUsage, e.what());
  }
}

// What `list` shows of one file: read without the permission check, so a file with a bad mode is still listed
// (with its mode marked) rather than left out.
struct AccountSummary {
  std::string name;
  std::filesystem::path file;
  std::optional<mode_t> mode;
  std::optional<client::SessionData> session;
  std::optional<sf::SessionFileError> error;
};

AccountSummary summarize(const sf::SessionStore& store, const std::string& name) {
  AccountSummary a{name, store.path_of(name), std::nullopt, std::nullopt, std::nullopt};
  try {
    a.mode = sf::file_permissions(a.file);
  } catch (const sf::SessionFileError&) {
    // read_session_file below says why the file cannot be read.
  }
  try {
    a.session = sf::read_session_file(a.file);
  } catch (const sf::SessionFileError& e) {
    a.error = e;
  }
  return a;
}

std::string dcs_with_keys(const client::SessionData& s) {
  std::string out;
  for (const auto& [dc, auth] : s.dcs) out += (out.empty() ? "" : ",") + std::to_string(dc);
  return out.empty() ? "none" : out;
}

// Imported sessions have a logged-in key but no user id until the Client asks who it is.
std::string user_text(const client::SessionData& s) {
  if (s.user_id) return std::to_string(*s.user_id);
  const auto home = s.dcs.find(s.home_dc);
  return home != s.dcs.end() && home->second.authorized ? "(unknown until online)" : "(not logged in)";
}

void print_text(const AccountSummary& a) {
  std::cout << a.name;
  if (a.session) {
    const auto& s = *a.session;
    std::cout << "  dc " << s.home_dc << "  user " << user_text(s) << "  bot "
              << (s.bot ? "yes" : "no") << "  keys " << dcs_with_keys(s) << "  peers " << s.peers.size();
  } else if (a.error) {
    std::cout << "  ERROR " << sf::problem_name(a.error->problem()) << ": " << a.error->what();
  }
  if (a.mode) {
    std::cout << "  mode " << sf::octal_mode(*a.mode);
    if (sf::permissions_safe(*a.mode))
      std::cout << " ok";
    else
      std::cout << " NOT OK (chmod 600 " << a.file.string() << ")";
  }
  std::cout << "\n";
}

void write_json(tl::json::Writer& w, const AccountSummary& a) {
  w.begin_object();
  w.key("name");
  w.string(a.name);
  w.key("file");
  w.string(a.file.string());
  w.key("mode");
  if (a.mode)
    w.string(sf::octal_mode(*a.mode));
  else
    w.null();
  w.key("mode_ok");
  w.boolean(a.mode && sf::permissions_safe(*a.mode));
  if (a.session) {
    const auto& s = *a.session;
    w.key("home_dc");
    w.integer(s.home_dc);
    w.key("user_id");
    if (s.user_id)
      w.integer(*s.user_id);
    else
      w.null();
    w.key("bot");
    w.boolean(s.bot);
    w.key("dcs_with_keys");
    w.begin_array();
    for (const auto& [dc, auth] : s.dcs) w.integer(dc);
    w.end_array();
    w.key("peers");
    w.integer(static_cast<std::int64_t>(s.peers.size()));
  }
  w.key("error");
  if (a.error) {
    w.begin_object();
    w.key("problem");
    w.string(sf::problem_name(a.error->problem()));
    w.key("message");
    w.string(a.error->what());
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

// The StringSession from wherever the options say; std::nullopt after reporting a usage error.
std::optional<std::string> string_session_text(const SessionsOptions& o, std::string& source) {
  std::string text;
  if (!o.string_session.empty()) {
    source = "a StringSession";
    text = o.string_session;
  } else if (!o.string_session_env.empty()) {
    source = "$" + o.string_session_env;
    const char* value = std::getenv(o.string_session_env.c_str());
    if (value == nullptr) {
      fail(kUsage, "environment variable " + o.string_session_env + " is not set");
      return std::nullopt;
    }
    text = value;
  } else {
    source = "a StringSession on standard input";
    std::getline(std::cin, text);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (text.empty()) {
    fail(kUsage, "no StringSession given (" + source + " is empty)");
    return std::nullopt;
  }
  return text;
}

void print_imported(const std::string& name, const std::string& source, const std::filesystem::path& file,
                    const client::SessionData& s) {
  std::cout << "imported account " << name << " from " << source << " into " << file.string() << ": home DC "
            << s.home_dc;
  if (const auto* a = s.address(s.home_dc)) std::cout << " (" << a->host << ":" << a->port << ")";
  std::cout << ", " << s.peers.size() << " peers";
  if (s.update_state) std::cout << ", update state at pts " << s.update_state->pts;
  std::cout << "; the user id is learned at the first online check or login\n";
}

}  // namespace

int sessions_list(const SessionsOptions& o) {
  try {
    sf::ensure_sessions_dir(o.sessions_dir);
    const sf::SessionStore store(o.sessions_dir);
    const auto names = store.account_names();
    if (o.json) {
      tl::json::Writer w(true);
      w.begin_array();
      for (const auto& name : names) write_json(w, summarize(store, name));
      w.end_array();
      std::cout << w.take() << "\n";
    } else {
      for (const auto& name : names) print_text(summarize(store, name));
      if (names.empty()) std::cerr << "no accounts in " << o.sessions_dir << "\n";
    }
    return 0;
  } catch (const sf::SessionFileError& e) {
    return fail(kProblem, e.what());
  }
}

int sessions_import(const SessionsOptions& o) {
  if (const int bad = check_name(o.account)) return bad;
  try {
    sf::ensure_sessions_dir(o.sessions_dir);
    const sf::SessionStore store(o.sessions_dir);
    const auto file = store.path_of(o.account);
    if (store.exists(o.account) && !o.force)
      return fail(kProblem, "account " + o.account + " already exists (" + file.string() +
                                "); add --force to replace it");
    std::string source;
    client::SessionData session;
    if (!o.telethon_file.empty()) {
      source = o.telethon_file;
      session = sf::import_telethon_file(o.telethon_file);
    } else {
      const auto text = string_session_text(o, source);
      if (!text) return kUsage;
      session = sf::import_telethon_string_session(*text);
    }
    store.save(o.account, session);
    print_imported(o.account, source, file, session);
    return 0;
  } catch (const std::exception& e) {  // SessionFileError, or a StringSession/Telethon file without a key
    return fail(kProblem, e.what());
  }
}

int sessions_export(const SessionsOptions& o) {
  if (const int bad = check_name(o.account)) return bad;
  try {
    const auto text = sf::export_telethon_string_session(sf::SessionStore(o.sessions_dir).load(o.account));
    std::cerr << "warning: this StringSession is the account's login; anyone who has it can use the account. "
                 "Keep it secret.\n";
    std::cout << text << "\n";
    return 0;
  } catch (const std::exception& e) {
    return fail(kProblem, e.what());
  }
}

int sessions_check(const SessionsOptions& o, const OnlineSessionCheck& online) {
  if (const int bad = check_name(o.account)) return bad;
  const sf::SessionStore store(o.sessions_dir);
  const auto file = store.path_of(o.account);
  std::cout << o.account << ": " << file.string() << "\n";
  const auto summary = summarize(store, o.account);
  std::vector<std::string> problems;
  if (summary.mode && !sf::permissions_safe(*summary.mode))
    problems.push_back("mode " + sf::octal_mode(*summary.mode) + ": other users may read it; run `chmod 600 " + file.string() +
                       "`");
  if (summary.error) {
    problems.push_back(summary.error->what());
  } else {
    const auto& s = *summary.session;
    std::cout << "  format: mtpipe session, readable, SQLite integrity ok\n"
              << "  home DC " << s.home_dc << ", keys for DCs " << dcs_with_keys(s) << ", " << s.peers.size()
              << " peers, user " << user_text(s) << "\n";
    for (auto& p : sf::session_problems(s)) problems.push_back(std::move(p));
  }
  for (const auto& p : problems) std::cout << "  PROBLEM: " << p << "\n";
  if (!problems.empty()) return kProblem;
  if (!online) {
    std::cout << "  ok offline (the key itself is checked online only when connecting)\n";
    return 0;
  }
  return online(o.account, *summary.session, std::cout);
}

}  // namespace mtpipe::app
