#include "app/sessions_command.h"

#include <iostream>

namespace mtpipe::app {
namespace {
int not_yet() {
  std::cerr << "mtpipe sessions: not implemented yet\n";
  return 1;
}
}  // namespace

int sessions_list(const SessionsOptions&) { return not_yet(); }
int sessions_import(const SessionsOptions&) { return not_yet(); }
int sessions_export(const SessionsOptions&) { return not_yet(); }
int sessions_check(const SessionsOptions&, const OnlineSessionCheck&) { return not_yet(); }

}  // namespace mtpipe::app
