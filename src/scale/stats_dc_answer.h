#pragma once
// Reads the statistics DC out of a channels.getFullChannel answer, for the DC router: messages.chatFull whose
// full_chat is a channelFull carries stats_dc (flags.12) when the channel's statistics live on another DC.

#include <cstdint>
#include <optional>
#include <span>

namespace mtpipe::tl::api::messages {
struct ChatFull;
}

namespace mtpipe::scale {

struct StatsDcFact {
  std::int64_t channel_id = 0;
  std::int32_t stats_dc = 0;
};

// The channel and its stats_dc; nothing for a basic group's chatFull, a channelFull without stats_dc, or a
// stats_dc that is not a DC id.
std::optional<StatsDcFact> stats_dc_of(const tl::api::messages::ChatFull& answer);
// The same from the boxed bytes of the answer; bytes that do not decode as messages.ChatFull give nothing too
// (the router learns nothing from them; the caller's own decoding reports the error).
std::optional<StatsDcFact> stats_dc_of_answer(std::span<const std::uint8_t> boxed);

}  // namespace mtpipe::scale
