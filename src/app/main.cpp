// The mtpipe command line. CLI11 stays in this file; each command is a plain function elsewhere.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string_view>

#include "app/account_command.h"
#include "app/probe_command.h"
#include "app/selfcheck.h"
#include "app/sessions_command.h"
#include "app/load_command.h"
#include "app/perf/perf_command.h"
#include "app/settings.h"
#include "app/sim_command.h"
#include "app/tl_command.h"
#include "net/url_redaction.h"
#include "obs/log.h"
#include "sim/sim_options.h"
#include "tl/api.h"

namespace {

// Like --password, a proxy's password or MTProxy secret given as a flag can be read by every user of the machine in
// the process list. Said at once, before the command runs (and perhaps fails for another reason).
void warn_about_proxy_credentials_in_flags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::optional<std::string_view> value;
    if (arg == "--proxy" && i + 1 < argc) value = argv[i + 1];
    if (arg.starts_with("--proxy=")) value = arg.substr(8);
    if (value && mtpipe::net::may_hold_credentials(*value))
      std::cerr << "mtpipe: warning: the --proxy flag holds a password or secret, which other users can read in the "
                   "process list (ps); pass the proxy in MTPIPE_PROXY instead\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  warn_about_proxy_credentials_in_flags(argc, argv);
  CLI::App app{"mtpipe: collects Telegram channel data over MTProto"};
  app.set_version_flag("--version", std::string("mtpipe 0.1.0 (TL layer ") + std::to_string(mtpipe::tl::kLayer) + ")");
  app.require_subcommand(1);
  int rc = 0;

  auto* selfcheck = app.add_subcommand("selfcheck", "Check the TL and crypto layers end to end and print a summary");
  selfcheck->callback([&] { rc = mtpipe::app::selfcheck(); });

  mtpipe::app::TlOptions tl_opts;
  std::string sample_name;
  auto* tl = app.add_subcommand("tl", "Decode, encode and explore TL objects (layer 223)");
  tl->require_subcommand(1);
  auto* decode = tl->add_subcommand("decode", "Boxed TL bytes (hex, or raw with --binary) to JSON");
  decode->add_option("hex", tl_opts.input, "Hex bytes; standard input when absent");
  decode->add_flag("--binary", tl_opts.binary, "Read raw bytes from standard input");
  decode->add_flag("--compact", tl_opts.compact, "One-line JSON");
  decode->callback([&] { rc = mtpipe::app::tl_decode(tl_opts); });
  auto* encode = tl->add_subcommand("encode", "JSON ({\"_\": \"name\", ...}) to boxed TL bytes in hex");
  encode->add_option("json", tl_opts.input, "JSON text; standard input when absent");
  encode->callback([&] { rc = mtpipe::app::tl_encode(tl_opts); });
  auto* sample = tl->add_subcommand("sample", "A sample of a constructor or method as JSON, to start from");
  sample->add_option("name", sample_name, "e.g. messages.getHistory")->required();
  sample->add_flag("--minimal", tl_opts.minimal, "Leave out every optional field");
  sample->add_flag("--compact", tl_opts.compact, "One-line JSON");
  sample->callback([&] { rc = mtpipe::app::tl_sample(sample_name, tl_opts); });

  mtpipe::sim::SimOptions sim_opts;
  std::vector<std::string> sim_faults;
  std::string sim_log_level = "info";
  int sim_dcs = 3;
  auto* sim = app.add_subcommand("sim", "Run the Telegram DC emulator on loopback (docs/SIM.md)");
  sim->add_option("--dcs", sim_dcs, "Serve DC ids 1..N")->check(CLI::Range(1, 100))->capture_default_str();
  sim->add_option("--dc-ids", sim_opts.dc_ids, "Serve exactly these DC ids (instead of --dcs)")->delimiter(',');
  sim->add_option("--host", sim_opts.host, "Address to listen on")->capture_default_str();
  sim->add_option("--port-base", sim_opts.port_base, "DC i listens on P+i; 0 takes ephemeral ports")->capture_default_str();
  sim->add_option("--rsa-key", sim_opts.rsa_key_file, "RSA private key (PEM); created when missing");
  sim->add_option("--ready-file", sim_opts.ready_file, "Write the ports and public key here once listening");
  sim->add_option("--threads", sim_opts.threads, "Worker threads")->check(CLI::Range(1, 256))->capture_default_str();
  sim->add_option("--salt-period", sim_opts.salt_period_s, "Seconds each server salt is current")
      ->check(CLI::Range(60, 86400))->capture_default_str();
  sim->add_option("--kill-every", sim_opts.kill_every,
                  "Fault: close the connection instead of answering every Nth query of a DC (0: off)");
  sim->add_option("--salt-rotate-after", sim_opts.salt_rotate_after,
                  "Test hook: a fresh salt after every N queries on an auth key (0: off)");
  sim->add_option("--fault", sim_faults, "Test hook, repeatable: misbehave on purpose (see docs/SIM.md)");
  sim->add_option("--log-level", sim_log_level, "debug logs every request")->capture_default_str();
  std::vector<std::string> sim_secrets, sim_two_fa, sim_floods;
  sim->add_option("--mtproxy-secret", sim_secrets, "Open an MTProxy port for this hex secret (repeatable)");
  sim->add_option("--two-fa", sim_two_fa, "PHONE:PASSWORD, repeatable: this account has 2FA");
  sim->add_option("--flood-limit", sim_floods, "METHOD=COUNT/SECONDS, repeatable: a per-account flood limit");
  sim->add_flag("--flood-penalty", sim_opts.flood_penalty, "A call during its flood wait doubles the wait (up to 1 h)");
  std::string sim_latency;
  sim->add_option("--latency", sim_latency, "MS or MIN-MAX: answer every API query that many milliseconds late");
  sim->add_option("--stats-file", sim_opts.stats_file, "Write every counter here as JSON each second and on exit");
  sim->callback([&] {
    try {
      mtpipe::app::add_sim_world_flags(sim_opts, sim_secrets, sim_two_fa, sim_floods);
      if (!sim_latency.empty()) sim_opts.latency = mtpipe::sim::parse_latency(sim_latency);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("sim", e.what());
    }
    if (sim->count("--dc-ids") == 0) {
      sim_opts.dc_ids.clear();
      for (int i = 1; i <= sim_dcs; ++i) sim_opts.dc_ids.push_back(i);
    }
    for (const auto& f : sim_faults) {
      if (!mtpipe::sim::add_fault(sim_opts.faults, f)) {
        std::string known;
        for (const auto& n : mtpipe::sim::fault_names()) known += " " + n;
        throw CLI::ValidationError("--fault", "unknown fault '" + f + "'; known:" + known);
      }
    }
    mtpipe::obs::Level level;
    if (!mtpipe::obs::parse_log_level(sim_log_level, level))
      throw CLI::ValidationError("--log-level", "expected debug, info, warn, error or off, got '" + sim_log_level + "'");
    mtpipe::obs::set_log_level(level);
    rc = mtpipe::app::run_sim(sim_opts);
  });

  mtpipe::app::ProbeOptions probe_opts;
  auto* probe = app.add_subcommand("probe", "Connect to a DC, run the handshake, call help.getNearestDc N times");
  probe->add_option("--addr", probe_opts.address, "HOST:PORT of the DC")->required();
  probe->add_option("--rsa-key", probe_opts.rsa_key_file, "The DC's RSA public key (PEM), or the sim's ready file")
      ->required();
  probe->add_option("--transport", probe_opts.transport,
                    "abridged, intermediate, padded, full, or obfuscated-{abridged,intermediate,padded}")
      ->capture_default_str();
  probe->add_option("--dc", probe_opts.dc, "DC id sent in the handshake")->capture_default_str();
  probe->add_option("-n", probe_opts.count, "Number of help.getNearestDc calls")->capture_default_str();
  probe->add_option("--timeout-ms", probe_opts.timeout_ms, "Per step")->capture_default_str();
  probe->add_flag("--json", probe_opts.json, "One JSON object instead of text");
  probe->callback([&] { rc = mtpipe::app::run_probe(probe_opts); });

  mtpipe::app::SessionsOptions sessions_opts;
  auto* sessions = app.add_subcommand("sessions", "Account session files: list, import from Telethon, export, check");
  sessions->require_subcommand(1);
  sessions->fallthrough();  // --sessions-dir may come after the subcommand too
  sessions->add_option("--sessions-dir", sessions_opts.sessions_dir, "One <account>.session file per account")
      ->envname("MTPIPE_SESSIONS_DIR")->capture_default_str();
  auto* sessions_list = sessions->add_subcommand("list", "One line per account: home DC, user, keys, peers, file mode");
  sessions_list->add_flag("--json", sessions_opts.json, "A JSON array instead of text");
  sessions_list->callback([&] { rc = mtpipe::app::sessions_list(sessions_opts); });
  auto* sessions_import = sessions->add_subcommand(
      "import", "Import a Telethon .session file or StringSession (standard input when no source is given)");
  sessions_import->add_option("--account", sessions_opts.account, "Name of the new account")->required();
  auto* telethon_file = sessions_import->add_option("--telethon-file", sessions_opts.telethon_file,
                                                    "A Telethon .session (SQLite) file");
  auto* string_session = sessions_import->add_option("--string-session", sessions_opts.string_session,
                                                     "A Telethon StringSession (visible in ps; prefer the others)");
  auto* string_session_env = sessions_import->add_option(
      "--string-session-env", sessions_opts.string_session_env, "Name of an environment variable holding one");
  telethon_file->excludes(string_session)->excludes(string_session_env);
  string_session->excludes(string_session_env);
  sessions_import->add_flag("--force", sessions_opts.force, "Replace an existing account");
  sessions_import->callback([&] { rc = mtpipe::app::sessions_import(sessions_opts); });
  auto* sessions_export = sessions->add_subcommand("export", "Print the account as a Telethon StringSession (a secret)");
  sessions_export->add_option("--account", sessions_opts.account, "Account name")->required();
  sessions_export->callback([&] { rc = mtpipe::app::sessions_export(sessions_opts); });
  auto* sessions_check = sessions->add_subcommand(
      "check", "Check a session file (offline; with --online also its key); non-zero exit on a problem");
  sessions_check->add_option("--account", sessions_opts.account, "Account name")->required();
  bool check_online = false;
  mtpipe::app::AccountOptions check_opts;
  sessions_check->add_flag("--online", check_online, "Also connect and ask the server who the account is");
  sessions_check->add_option("--server", check_opts.server, "With --online: telegram, telegram-test or sim:READY_FILE")
      ->envname("MTPIPE_SERVER")->capture_default_str();
  sessions_check->add_option("--api-id", check_opts.api_id, "With --online")->envname("MTPROTO_API_ID");
  sessions_check->add_option("--api-hash", check_opts.api_hash, "With --online")->envname("MTPROTO_API_HASH");
  sessions_check->callback([&] {
    mtpipe::app::OnlineSessionCheck online;
    if (check_online) {
      check_opts.account = sessions_opts.account;
      check_opts.sessions_dir = sessions_opts.sessions_dir;
      online = [&](const std::string&, const mtpipe::client::SessionData& session, std::ostream& out) {
        return mtpipe::app::check_session_online(check_opts, session, out);
      };
    }
    rc = mtpipe::app::sessions_check(sessions_opts, online);
  });

  // Account commands share where the account lives and how to reach Telegram.
  mtpipe::app::AccountOptions account_opts;
  const auto add_account_options = [&](CLI::App* command) {
    command->add_option("--account", account_opts.account, "Account name (its session file is <name>.session)")->required();
    command->add_option("--server", account_opts.server, "telegram, telegram-test, or sim:READY_FILE of a running sim")
        ->envname("MTPIPE_SERVER")->capture_default_str();
    command->add_option("--sessions-dir", account_opts.sessions_dir, "Where session files live")
        ->envname("MTPIPE_SESSIONS_DIR")->capture_default_str();
    command->add_option("--api-id", account_opts.api_id, "From my.telegram.org")->envname("MTPROTO_API_ID");
    command->add_option("--api-hash", account_opts.api_hash, "From my.telegram.org (prefer MTPROTO_API_HASH: flags show in ps)")
        ->envname("MTPROTO_API_HASH");
    command->add_option("--proxy", account_opts.proxy,
                        "socks5://, http://, mtproxy://SECRET@host:port or a tg://proxy link (a password or secret in a "
                        "flag is visible in ps: prefer MTPIPE_PROXY)")
        ->envname("MTPIPE_PROXY");
    command->add_option("--transport", account_opts.transport,
                        "abridged, intermediate, padded, full, or obfuscated-{abridged,intermediate,padded}")
        ->capture_default_str();
    command->add_option("--timeout", account_opts.timeout_s, "Seconds per request")->capture_default_str();
  };

  mtpipe::app::LoginOptions login_opts;
  auto* login = app.add_subcommand("login", "Log an account in: phone, code and 2FA password, or a bot token");
  add_account_options(login);
  login->add_option("--phone", login_opts.phone, "Phone number (asked on the terminal when absent)")->envname("MTPIPE_PHONE");
  login->add_option("--code", login_opts.code, "The login code (asked when absent)")->envname("MTPIPE_LOGIN_CODE");
  login->add_option("--password", login_opts.password,
                    "The 2FA password (asked when absent; a flag is visible in ps: prefer MTPIPE_2FA_PASSWORD)")
      ->envname("MTPIPE_2FA_PASSWORD");
  login->add_option("--bot-token", login_opts.bot_token,
                    "Log in as a bot instead (a flag is visible in ps: prefer MTPIPE_BOT_TOKEN)")->envname("MTPIPE_BOT_TOKEN");
  login->callback([&] { rc = mtpipe::app::run_login(account_opts, login_opts); });

  auto* logout = app.add_subcommand("logout", "Log an account out and delete its session file");
  add_account_options(logout);
  logout->callback([&] { rc = mtpipe::app::run_logout(account_opts); });

  mtpipe::app::CallOptions call_opts;
  auto* call = app.add_subcommand("call", "Call any API method as an account and print the result as JSON");
  add_account_options(call);
  call->add_option("method", call_opts.method, "e.g. users.getUsers")->required();
  call->add_option("params", call_opts.params, "The method's fields as a JSON object")->capture_default_str();
  call->add_option("--dc", call_opts.dc, "Send to this DC instead of the home DC");
  call->add_flag("--compact", call_opts.compact, "One-line JSON");
  call->callback([&] { rc = mtpipe::app::run_call(account_opts, call_opts); });

  auto* settings = app.add_subcommand(
      "settings", "Print every setting from the environment as NAME=value (secrets masked); exit 2 on a bad value");
  settings->callback([&] { rc = mtpipe::app::print_settings(std::cout, std::cerr); });

  mtpipe::app::LoadOptions load_opts;
  auto* load = app.add_subcommand(
      "load", "Drive requests through the accounts the settings name (pool, limits, proxies, faults) and summarise");
  load->add_option("--server", load_opts.server, "telegram, telegram-test, or sim:READY_FILE")
      ->envname("MTPIPE_SERVER")->capture_default_str();
  load->add_option("--method", load_opts.method, "The API method to call")->capture_default_str();
  load->add_option("--params", load_opts.params, "Its fields as a JSON object")->capture_default_str();
  load->add_option("--requests", load_opts.requests, "How many (0: until --duration-s)")->capture_default_str();
  load->add_option("--duration-s", load_opts.duration_s, "Stop starting requests after this long (0: no limit)");
  load->add_option("--concurrency", load_opts.concurrency, "Requests in flight at once")->capture_default_str();
  load->add_option("--timeout", load_opts.timeout_s, "Seconds per request, all attempts")->capture_default_str();
  load->add_option("--report", load_opts.report, "Also write the JSON summary to this file");
  load->callback([&] { rc = mtpipe::app::run_load(load_opts); });

  mtpipe::app::perf::PerfOptions perf_opts;
  auto* perf = app.add_subcommand(
      "perf", "The SLO suite: seven checks against an embedded sim, each against the old SLO and our goal");
  perf->add_flag("--short", perf_opts.short_run, "Smaller runs: the whole suite in under a minute");
  perf->add_option("--report", perf_opts.report, "Also write the JSON report (every figure and verdict) here");
  perf->add_option("--seed", perf_opts.seed, "Seed of our random draws (injected faults, flaky proxy)")->capture_default_str();
  perf->callback([&] { rc = mtpipe::app::perf::run_perf(perf_opts); });

  CLI11_PARSE(app, argc, argv);
  return rc;
}
