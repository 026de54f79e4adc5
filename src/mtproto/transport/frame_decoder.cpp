#include "mtproto/transport/frame_decoder.h"

#include <algorithm>

#include "mtproto/transport/abridged.h"
#include "mtproto/transport/full.h"
#include "mtproto/transport/intermediate.h"
#include "mtproto/transport/padding.h"
#include "mtproto/transport/short_frame.h"

namespace mtpipe::mtproto::transport {

FrameDecoder::FrameDecoder(Framing framing, Role reader) noexcept : framing_(framing), reader_(reader) {
  head_want_ = first_header_want();
}

std::uint8_t FrameDecoder::first_header_want() const noexcept { return framing_ == Framing::abridged ? 1 : 4; }

void FrameDecoder::feed(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  if (refused_) refuse(framing_, "the stream was refused earlier; no more bytes are accepted");
  try {
    decode(bytes, events);
  } catch (...) {
    refused_ = true;
    throw;
  }
}

void FrameDecoder::decode(std::span<const std::uint8_t> bytes, std::vector<Inbound>& events) {
  while (!bytes.empty()) {
    if (in_body_) {
      const std::size_t take = std::min<std::size_t>(bytes.size(), body_size_ - body_.size());
      body_.insert(body_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
      bytes = bytes.subspan(take);
      if (body_.size() == body_size_) finish_frame(events);
      continue;
    }
    const std::size_t take = std::min<std::size_t>(bytes.size(), head_want_ - head_len_);
    std::copy_n(bytes.begin(), take, head_.begin() + head_len_);
    head_len_ = static_cast<std::uint8_t>(head_len_ + take);
    bytes = bytes.subspan(take);
    if (head_len_ < head_want_) break;
    const FrameHeader header = read_header();
    if (header.kind == FrameHeader::Kind::need_more) {
      head_want_ = header.size;
    } else {
      start_frame(header, events);
    }
  }
}

void FrameDecoder::feed(std::span<const std::uint8_t> bytes, crypto::AesCtr& decrypt, std::vector<Inbound>& events) {
  // One AES call per slice however many frames it holds; the scratch is shared by every connection of the thread.
  constexpr std::size_t kSlice = 64 * 1024;
  thread_local std::vector<std::uint8_t> scratch;
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kSlice);
    if (scratch.size() < n) scratch.resize(kSlice);
    const std::span<std::uint8_t> plain(scratch.data(), n);
    decrypt.apply(bytes.first(n), plain);
    feed(plain, events);
    bytes = bytes.subspan(n);
  }
}

FrameHeader FrameDecoder::read_header() const {
  const std::span<const std::uint8_t> head(head_.data(), head_len_);
  switch (framing_) {
    case Framing::abridged: return read_abridged_header(head, reader_, frames_);
    case Framing::intermediate: return read_intermediate_header(head, reader_, false, frames_);
    case Framing::padded_intermediate: return read_intermediate_header(head, reader_, true, frames_);
    case Framing::full: return read_full_header(head, reader_, frames_, seq_);
  }
  return {};
}

void FrameDecoder::start_frame(const FrameHeader& header, std::vector<Inbound>& events) {
  if (header.kind == FrameHeader::Kind::frame) {
    body_.reserve(header.body);
    body_size_ = header.body;
    quick_ack_ = header.quick_ack;
    in_body_ = true;
    return;
  }
  Inbound event;
  if (header.kind == FrameHeader::Kind::quick_ack) {
    event.kind = Inbound::Kind::quick_ack;
    event.quick_ack_token = header.value;
  } else {
    event.kind = Inbound::Kind::transport_error;
    event.error_code = static_cast<std::int32_t>(header.value);
  }
  events.push_back(std::move(event));
  ++frames_;
  head_len_ = 0;
  head_want_ = first_header_want();
}

void FrameDecoder::finish_frame(std::vector<Inbound>& events) {
  const std::uint64_t packet = frames_++;
  in_body_ = false;
  head_len_ = 0;
  head_want_ = first_header_want();
  if (framing_ == Framing::full) {
    check_full_crc(std::span<const std::uint8_t, 8>(head_), body_, seq_);
    body_.resize(body_.size() - 4);
    ++seq_;
  }
  Inbound event;
  if (reader_ == Role::client && body_.size() < kShortFrameLimit) {
    const bool report = read_short_frame(body_, framing_, packet, event);
    body_ = {};
    if (report) events.push_back(std::move(event));
    return;
  }
  if (framing_ == Framing::padded_intermediate) body_.resize(padded_payload_size(body_, packet));
  event.quick_ack_requested = quick_ack_;
  event.payload = std::move(body_);
  body_ = {};
  events.push_back(std::move(event));
}

}  // namespace mtpipe::mtproto::transport
