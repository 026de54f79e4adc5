// The mtpipe command line. CLI11 stays in this file; each command is a plain function elsewhere.
#include <CLI/CLI.hpp>

#include "app/selfcheck.h"
#include "app/tl_command.h"
#include "tl/api.h"

int main(int argc, char** argv) {
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

  CLI11_PARSE(app, argc, argv);
  return rc;
}
