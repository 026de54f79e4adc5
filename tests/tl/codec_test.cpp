// The binary codec against hostile and edge-case input: every failure is a DecodeError that says
// what and where, and nothing is allocated that the input could not back.
#include <gtest/gtest.h>

#include <cstring>

#include "tl/api.h"
#include "tl/gzip.h"
#include "tl/sample.h"
#include "tl/schema_table.h"

namespace mtpipe::tl {
namespace {

std::vector<std::uint8_t> bytes_of(const Object& o) {
  Writer w;
  o.tl_write(w);
  return w.take();
}

std::string decode_error(std::span<const std::uint8_t> in) {
  try {
    Reader r(in);
    read_any_object(r);
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

TEST(Codec, EveryTruncationIsACleanError) {
  for (const char* name : {"message", "channelFull", "config", "messages.channelMessages", "updates.channelDifference"}) {
    const auto full = sample(*schema::find(std::string_view(name)), Fill::Populated);
    for (std::size_t n = 0; n < full.size(); ++n)
      EXPECT_NE(decode_error(std::span(full).first(n)), "") << name << " cut at " << n;
  }
}

TEST(Codec, UnknownConstructorNamesIdTypeAndOffset) {
  // updateShort update:Update date:int
  Writer w;
  w.u32(api::updateShort::ID);
  w.u32(0xdeadbeef);  // not an Update
  w.i32(0);
  const std::string err = decode_error(w.data());
  EXPECT_NE(err.find("0xdeadbeef"), std::string::npos) << err;
  EXPECT_NE(err.find("Update"), std::string::npos) << err;
  EXPECT_NE(err.find("at byte 4"), std::string::npos) << err;
}

TEST(Codec, ConstructorOfAnotherTypeIsRefused) {
  Writer w;
  w.u32(api::updateShort::ID);
  w.u32(api::inputPeerSelf::ID);  // a real constructor, but an InputPeer
  w.i32(0);
  EXPECT_NE(decode_error(w.data()).find("where Update was expected"), std::string::npos);
}

TEST(Codec, VectorCountBeyondTheInputIsRefusedBeforeAllocating) {
  Writer w;
  w.u32(api::updateDeleteMessages::ID);  // messages:Vector<int> pts:int pts_count:int
  w.u32(kVectorId);
  w.u32(0x7fffffff);
  w.i32(1), w.i32(2);
  const std::string err = decode_error(w.data());
  EXPECT_NE(err.find("cannot fit"), std::string::npos) << err;
}

TEST(Codec, BadBytesLengths) {
  Writer w;
  w.u32(api::nearestDc::ID);
  w.raw(std::vector<std::uint8_t>{255, 0, 0, 0});  // 255 is never a valid length byte
  EXPECT_NE(decode_error(w.data()).find("prefix 255"), std::string::npos);
  w.clear();
  w.u32(api::nearestDc::ID);
  w.raw(std::vector<std::uint8_t>{254, 0xff, 0xff, 0x00});  // claims 65535 bytes
  EXPECT_NE(decode_error(w.data()).find("ends early"), std::string::npos);
}

TEST(Codec, NestingIsBounded) {
  // textBold#6724abc4 text:RichText, nested far deeper than any real object.
  Writer w;
  for (int i = 0; i < 10000; ++i) w.u32(api::textBold::ID);
  w.u32(api::textEmpty::ID);
  const std::string err = decode_error(w.data());
  EXPECT_NE(err.find("nested too deeply"), std::string::npos) << err;
  // At a sane depth the same shape decodes.
  Writer ok;
  for (int i = 0; i < 20; ++i) ok.u32(api::textBold::ID);
  ok.u32(api::textEmpty::ID);
  EXPECT_EQ(decode_error(ok.data()), "");
}

TEST(Codec, GzipPackedIsTransparent) {
  api::nearestDc dc;
  dc.country = "NL", dc.this_dc = 2, dc.nearest_dc = 4;
  const auto plain = bytes_of(dc);
  Writer w;
  w.u32(kGzipPackedId);
  const std::string packed = gzip_deflate(std::string(plain.begin(), plain.end()));
  w.string(packed);
  Reader r(w.data());
  auto obj = api::NearestDc::tl_read_boxed(r);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(bytes_of(*obj), plain);
}

TEST(Codec, GzipBombAndCorruptGzipAreRefused) {
  const std::string zeros((Reader::kMaxInflatedSize) + 1024, '\0');
  Writer bomb;
  bomb.u32(kGzipPackedId);
  bomb.string(gzip_deflate(zeros, 9));
  EXPECT_NE(decode_error(bomb.data()).find("gzip_packed"), std::string::npos);

  Writer corrupt;
  corrupt.u32(kGzipPackedId);
  corrupt.string("\x1f\x8b\x08\x00garbage-not-deflate");
  EXPECT_NE(decode_error(corrupt.data()).find("gzip_packed"), std::string::npos);
}

TEST(Codec, GzipBudgetIsSharedByEveryGzipPackedOfOneRead) {
  // RichTexts of 14 MiB each (a TL string holds under 16 MiB), every one well under the 64 MiB budget, five of
  // them together over it.
  std::string text_plain(4, '\0');
  const std::uint32_t id = api::textPlain::ID;
  std::memcpy(text_plain.data(), &id, 4);
  Writer body;
  body.string(std::string(14u << 20, 'x'));
  text_plain.append(body.data().begin(), body.data().end());
  const std::string packed = gzip_deflate(text_plain, 1);
  const auto concat = [&](int parts) {
    Writer w;
    w.u32(api::textConcat::ID);
    w.u32(kVectorId);
    w.u32(static_cast<std::uint32_t>(parts));
    for (int i = 0; i < parts; ++i) {
      w.u32(kGzipPackedId);
      w.string(packed);
    }
    return w.take();
  };
  EXPECT_EQ(decode_error(concat(4)), "") << "56 MiB in all is within the budget";
  EXPECT_NE(decode_error(concat(5)).find("gzip_packed inflates past"), std::string::npos);
}

TEST(Codec, MissingRequiredObjectIsAnEncodeErrorNamingTheField) {
  api::messages::getHistory q;  // peer left empty
  Writer w;
  try {
    q.tl_write(w);
    FAIL() << "encoded a request without its peer";
  } catch (const EncodeError& e) {
    EXPECT_NE(std::string(e.what()).find("messages.getHistory.peer"), std::string::npos) << e.what();
  }
}

TEST(Codec, FlagsFollowTheOptionalFields) {
  api::messages::channelMessages m;  // flags: inexact (bit 1), offset_id_offset (bit 2)
  m.pts = 7, m.count = 1;
  m.inexact = true;
  auto bytes = bytes_of(m);
  std::uint32_t flags;
  std::memcpy(&flags, bytes.data() + 4, 4);
  EXPECT_EQ(flags, 1u << 1);
  m.offset_id_offset = 5;
  bytes = bytes_of(m);
  std::memcpy(&flags, bytes.data() + 4, 4);
  EXPECT_EQ(flags, (1u << 1) | (1u << 2));
  Reader r(bytes);
  auto back = api::messages::Messages::tl_read_boxed(r);
  auto* cm = dynamic_cast<api::messages::channelMessages*>(back.get());
  ASSERT_TRUE(cm);
  EXPECT_TRUE(cm->inexact);
  EXPECT_EQ(cm->offset_id_offset, 5);
  EXPECT_EQ(cm->pts, 7);
}

TEST(Codec, MethodResultsReadTheirOwnType) {
  Writer w;
  w.vector_header(3);
  for (std::int64_t v : {1, -2, 3}) w.i64(v);
  Reader r(w.data());
  const api::photos::deletePhotos::Result ids = api::photos::deletePhotos::tl_read_result(r);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, -2, 3}));
}

}  // namespace
}  // namespace mtpipe::tl
