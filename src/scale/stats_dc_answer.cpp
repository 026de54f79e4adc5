#include "scale/stats_dc_answer.h"

#include "tl/api.h"
#include "tl/errors.h"
#include "tl/reader.h"

namespace mtpipe::scale {

std::optional<StatsDcFact> stats_dc_of(const tl::api::messages::ChatFull& answer) {
  const auto* full = dynamic_cast<const tl::api::messages::chatFull*>(&answer);
  if (full == nullptr) return std::nullopt;
  const auto* channel = dynamic_cast<const tl::api::channelFull*>(full->full_chat.get());
  if (channel == nullptr || !channel->stats_dc || *channel->stats_dc <= 0) return std::nullopt;
  return StatsDcFact{channel->id, *channel->stats_dc};
}

std::optional<StatsDcFact> stats_dc_of_answer(std::span<const std::uint8_t> boxed) {
  try {
    tl::Reader r(boxed);
    const auto answer = tl::api::channels::getFullChannel::tl_read_result(r);
    if (!answer || !r.at_end()) return std::nullopt;
    return stats_dc_of(*answer);
  } catch (const tl::DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace mtpipe::scale
