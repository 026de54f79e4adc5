#include "mtproto/transport/framing.h"

namespace mtpipe::mtproto::transport {
namespace {
constexpr std::string_view kObfuscatedPrefix = "obfuscated-";
}  // namespace

std::string_view to_string(Framing framing) noexcept {
  switch (framing) {
    case Framing::abridged: return "abridged";
    case Framing::intermediate: return "intermediate";
    case Framing::padded_intermediate: return "padded";
    case Framing::full: return "full";
  }
  return "unknown";
}

std::optional<Framing> parse_framing(std::string_view text) noexcept {
  if (text == "abridged") return Framing::abridged;
  if (text == "intermediate") return Framing::intermediate;
  if (text == "padded" || text == "padded-intermediate") return Framing::padded_intermediate;
  if (text == "full") return Framing::full;
  return std::nullopt;
}

std::string to_string(const TransportSpec& spec) {
  std::string out = spec.obfuscated ? std::string(kObfuscatedPrefix) : std::string();
  out += to_string(spec.framing);
  return out;
}

std::optional<TransportSpec> parse_transport_spec(std::string_view text) noexcept {
  TransportSpec spec;
  if (text.starts_with(kObfuscatedPrefix)) {
    spec.obfuscated = true;
    text.remove_prefix(kObfuscatedPrefix.size());
  }
  const auto framing = parse_framing(text);
  if (!framing || (spec.obfuscated && !obfuscation_tag(*framing))) return std::nullopt;
  spec.framing = *framing;
  return spec;
}

std::optional<std::uint32_t> obfuscation_tag(Framing framing) noexcept {
  switch (framing) {
    case Framing::abridged: return 0xefefefefU;
    case Framing::intermediate: return 0xeeeeeeeeU;
    case Framing::padded_intermediate: return 0xddddddddU;
    case Framing::full: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Framing> framing_from_tag(std::uint32_t tag) noexcept {
  switch (tag) {
    case 0xefefefefU: return Framing::abridged;
    case 0xeeeeeeeeU: return Framing::intermediate;
    case 0xddddddddU: return Framing::padded_intermediate;
    default: return std::nullopt;
  }
}

}  // namespace mtpipe::mtproto::transport
