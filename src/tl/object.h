// The base of every generated TL type. Constructors derive from their abstract type's base, which
// derives from Object; methods derive from Function. Fields are plain public members.
#pragma once

#include <cstdint>
#include <string_view>

#include "tl/reader.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::tl {

struct Object {
  virtual ~Object() = default;
  virtual std::uint32_t tl_id() const noexcept = 0;
  // The schema name, e.g. "messages.channelMessages", or "resPQ" for MTProto service types.
  virtual std::string_view tl_name() const noexcept = 0;
  // Fields only, without the constructor id (a "bare" value).
  virtual void tl_write_bare(Writer& w) const = 0;
  virtual void tl_read_bare(Reader& r) = 0;

  // Constructor id followed by the fields (a "boxed" value).
  void tl_write(Writer& w) const {
    w.u32(tl_id());
    tl_write_bare(w);
  }
};

// A method call. Each generated method names its result as `Result` and reads it with
// `tl_read_result`; generic wrappers (invokeWithLayer and friends) leave the result to the caller.
struct Function : Object {};

// Any constructor or method, by id: the entry points for decoding bytes of unknown content.
object_ptr<Object> read_any_object(Reader& r);      // constructors (boxed)
object_ptr<Function> read_any_function(Reader& r);  // methods (boxed)

}  // namespace mtpipe::tl
