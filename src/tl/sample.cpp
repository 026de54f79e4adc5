#include "tl/sample.h"

#include <algorithm>
#include <limits>
#include <string>

#include "tl/writer.h"

namespace mtpipe::tl {
namespace {

using schema::Kind;
using schema::VectorKind;

// Levels below this one are filled minimally, so that recursive types terminate.
constexpr int kPopulatedDepth = 3;

// How deep the shallowest instance of each type and entry is (only required, non-vector fields
// force nesting). Computed once by fixpoint over the table.
struct Depths {
  std::vector<int> entry, type;
  int function = 0;  // the shallowest method
  const schema::Entry* cheapest_function = nullptr;

  Depths() {
    const auto es = schema::entries();
    const auto ts = schema::types();
    constexpr int inf = std::numeric_limits<int>::max() / 2;
    entry.assign(es.size(), inf);
    type.assign(ts.size(), inf);
    for (bool changed = true; changed;) {
      changed = false;
      int best_fn = inf;
      for (std::size_t i = 0; i < es.size(); ++i)
        if (es[i].is_function) best_fn = std::min(best_fn, entry[i]);
      for (std::size_t i = 0; i < es.size(); ++i) {
        int d = 1;
        for (const schema::Field& f : es[i].fields()) {
          if (f.flag_field >= 0 || f.type.vector != VectorKind::None) continue;
          if (f.type.kind == Kind::Boxed) d = std::max(d, type[f.type.index] + 1);
          if (f.type.kind == Kind::Bare) d = std::max(d, entry[f.type.index] + 1);
          if (f.type.kind == Kind::AnyFunction) d = std::max(d, best_fn + 1);
        }
        if (d < entry[i]) entry[i] = d, changed = true;
      }
      for (std::size_t t = 0; t < ts.size(); ++t)
        for (std::uint16_t c : ts[t].ctors())
          if (entry[c] < type[t]) type[t] = entry[c], changed = true;
    }
    for (std::size_t i = 0; i < es.size(); ++i)
      if (es[i].is_function && (!cheapest_function || entry[i] < function))
        function = entry[i], cheapest_function = &es[i];
  }
};

const Depths& depths() {
  static const Depths d;
  return d;
}

class SampleWriter {
 public:
  SampleWriter(Fill fill, std::uint64_t seed) : fill_(fill), n_(seed) {}

  void boxed_entry(const schema::Entry& e, int depth) {
    w_.u32(e.id);
    entry(e, depth);
  }
  std::vector<std::uint8_t> take() { return w_.take(); }

 private:
  bool populated(int depth) const { return fill_ == Fill::Populated && depth < kPopulatedDepth; }

  void entry(const schema::Entry& e, int depth) {
    const auto fields = e.fields();
    const bool full = populated(depth);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const schema::Field& f = fields[i];
      if (f.type.kind == Kind::Flags) {
        std::uint32_t mask = 0;
        if (full)
          for (const schema::Field& g : fields)
            if (g.flag_field == static_cast<int>(i)) mask |= 1u << g.bit;
        w_.u32(mask);
      } else if (f.type.kind == Kind::True || (f.flag_field >= 0 && !full)) {
        continue;
      } else {
        value(f.type, depth, full);
      }
    }
  }

  void value(const schema::TypeRef& t, int depth, bool full) {
    if (t.vector == VectorKind::None) return element(t, depth);
    const std::size_t n = full ? 2 : 0;
    if (t.vector == VectorKind::Boxed) w_.vector_header(n);
    else w_.count32(n);
    for (std::size_t i = 0; i < n; ++i) element(t, depth);
  }

  void element(const schema::TypeRef& t, int depth) {
    const std::uint64_t k = ++n_;
    switch (t.kind) {
      case Kind::Int: return w_.i32(static_cast<std::int32_t>(k * 2654435761u));
      case Kind::Long: return w_.i64(static_cast<std::int64_t>(k * 0x9e3779b97f4a7c15ull));
      case Kind::Double: return w_.f64(static_cast<double>(k) * -1.25);
      case Kind::String: {
        // Alternate ASCII, multi-byte UTF-8, empty and long (4-byte length form) strings.
        static const char* const samples[] = {"mtpipe", "Привет, 世界 🙂", "", nullptr};
        const char* s = samples[k % 4];
        return w_.string(s ? std::string(s) : std::string(300 + k % 7, 'x'));
      }
      case Kind::Bytes: {
        std::vector<std::uint8_t> b(k % 3 == 0 ? 260 : k % 11);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(k + i * 7);
        return w_.bytes(b);
      }
      case Kind::Int128: {
        Int128 v;
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(k * 31 + i);
        return w_.int128(v);
      }
      case Kind::Int256: {
        Int256 v;
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(k * 17 + i);
        return w_.int256(v);
      }
      case Kind::Bool: return w_.boolean(k % 2);
      case Kind::Bare: return entry(schema::entries()[t.index], depth + 1);
      case Kind::Boxed: return boxed_entry(pick(schema::types()[t.index], depth, k), depth + 1);
      case Kind::AnyFunction: return boxed_entry(*depths().cheapest_function, depth + 1);
      case Kind::True:
      case Kind::Flags:
      case Kind::Generic: return;
    }
  }

  // Near the top, rotate through a type's constructors to cover many; deeper, take the one
  // that ends the recursion soonest.
  const schema::Entry& pick(const schema::Type& type, int depth, std::uint64_t k) {
    const auto ctors = type.ctors();
    if (populated(depth)) return schema::entries()[ctors[k % ctors.size()]];
    std::uint16_t best = ctors[0];
    for (std::uint16_t c : ctors)
      if (depths().entry[c] < depths().entry[best]) best = c;
    return schema::entries()[best];
  }

  Writer w_;
  Fill fill_;
  std::uint64_t n_;
};

}  // namespace

std::vector<std::uint8_t> sample(const schema::Entry& e, Fill fill, std::uint64_t seed) {
  SampleWriter s(fill, seed);
  s.boxed_entry(e, 0);
  return s.take();
}

}  // namespace mtpipe::tl
