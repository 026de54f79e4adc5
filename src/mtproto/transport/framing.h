#pragma once
// The four MTProto TCP framings (core.telegram.org/mtproto/mtproto-transports) and how a connection is
// described: a framing plus whether obfuscation ("obfuscated2") wraps it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mtpipe::mtproto::transport {

enum class Framing : std::uint8_t { abridged, intermediate, padded_intermediate, full };

// "abridged", "intermediate", "padded", "full".
std::string_view to_string(Framing framing) noexcept;
// The names above; "padded-intermediate" is accepted too.
std::optional<Framing> parse_framing(std::string_view text) noexcept;

struct TransportSpec {
  Framing framing = Framing::intermediate;
  bool obfuscated = false;

  friend bool operator==(const TransportSpec&, const TransportSpec&) = default;
};

// "intermediate", "obfuscated-abridged", ...
std::string to_string(const TransportSpec& spec);
// The forms to_string writes. Full transport has no obfuscation tag, so "obfuscated-full" is refused (nullopt).
std::optional<TransportSpec> parse_transport_spec(std::string_view text) noexcept;

// The protocol tag an obfuscated init carries at offset 56, as a little-endian uint32: efefefef (abridged),
// eeeeeeee (intermediate), dddddddd (padded). Full transport has none.
std::optional<std::uint32_t> obfuscation_tag(Framing framing) noexcept;
std::optional<Framing> framing_from_tag(std::uint32_t tag) noexcept;

// Largest MTProto payload either codec accepts from a peer. Longer announced lengths are refused before any
// buffer is allocated.
inline constexpr std::size_t kMaxPayloadSize = std::size_t{16} << 20;

}  // namespace mtpipe::mtproto::transport
