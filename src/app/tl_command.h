// `mtpipe tl decode|encode|sample`: the TL codec and JSON bridge on the command line.
#pragma once

#include <string>

namespace mtpipe::app {

struct TlOptions {
  std::string input;      // hex or JSON text; empty: read standard input
  bool binary = false;    // decode: the input is raw bytes, not hex
  bool compact = false;   // one-line JSON
  bool minimal = false;   // sample: no optional fields
};

int tl_decode(const TlOptions& o);
int tl_encode(const TlOptions& o);
int tl_sample(const std::string& name, const TlOptions& o);

}  // namespace mtpipe::app
