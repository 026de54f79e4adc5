#include "app/perf/perf_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tl/json.h"

namespace mtpipe::app::perf {
namespace {

Criterion make(Criterion::Kind kind, std::string name, std::string label, std::string op, double value, double limit,
               std::string unit, bool met) {
  Criterion c;
  c.kind = kind;
  c.name = std::move(name);
  c.label = std::move(label);
  c.op = std::move(op);
  c.value = value;
  c.limit = limit;
  c.unit = std::move(unit);
  c.met = met && std::isfinite(value);
  return c;
}

// Few digits: the figures are read by people, the JSON keeps full precision.
std::string number(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "n/a";
  const bool whole = std::abs(v - std::round(v)) < 1e-9 || (unit == " ms" && std::abs(v) >= 10);
  return format_fixed(v, whole ? 0 : 2) + unit;
}

std::string threshold(const Criterion& c) {
  if (c.op == "+-") return c.label + " within " + (c.target != 0 ? number(c.target, c.unit) + " " : "") + "+-" + number(c.limit, c.unit);
  return c.label + " " + c.op + " " + number(c.limit, c.unit);
}

std::string joined(const CheckResult& r, Criterion::Kind kind) {
  std::string out;
  for (const auto& c : r.criteria)
    if (c.kind == kind) out += (out.empty() ? "" : ", ") + threshold(c);
  return out.empty() ? "-" : out;
}

bool all_met(const CheckResult& r, Criterion::Kind kind) {
  return std::all_of(r.criteria.begin(), r.criteria.end(), [&](const Criterion& c) { return c.kind != kind || c.met; });
}

std::string_view kind_name(Criterion::Kind kind) { return kind == Criterion::Kind::slo ? "slo" : "goal"; }

}  // namespace

Criterion at_least(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                   std::string unit) {
  return make(kind, std::move(name), std::move(label), ">=", value, limit, std::move(unit), value >= limit);
}
Criterion below(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                std::string unit) {
  return make(kind, std::move(name), std::move(label), "<", value, limit, std::move(unit), value < limit);
}
Criterion at_most(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                  std::string unit) {
  return make(kind, std::move(name), std::move(label), "<=", value, limit, std::move(unit), value <= limit);
}
Criterion equal_to(Criterion::Kind kind, std::string name, std::string label, double value, double expected,
                   std::string unit) {
  return make(kind, std::move(name), std::move(label), "==", value, expected, std::move(unit), value == expected);
}
Criterion within(Criterion::Kind kind, std::string name, std::string label, double value, double target,
                 double tolerance, std::string unit) {
  auto c = make(kind, std::move(name), std::move(label), "+-", value, tolerance, std::move(unit),
                std::abs(value - target) <= tolerance);
  c.target = target;
  return c;
}

std::string format_fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

bool CheckResult::slo_met() const { return all_met(*this, Criterion::Kind::slo); }
bool CheckResult::goal_met() const { return all_met(*this, Criterion::Kind::goal); }

std::string summary_line(const CheckResult& r) {
  char head[64];
  std::snprintf(head, sizeof head, "%d. %-28s", r.number, r.name.c_str());
  std::string measured;
  for (const auto& c : r.criteria) {
    // A figure judged twice (by the SLO and by the goal) is shown once.
    const std::string item = c.label + " " + number(c.value, c.unit);
    if (measured.find(item) == std::string::npos) measured += (measured.empty() ? "" : ", ") + item;
  }
  for (const auto& s : r.shown) measured += (measured.empty() ? "" : ", ") + s;
  if (!r.error.empty()) measured = "did not run to its end: " + r.error;
  std::string verdict = "PASS";
  if (!r.passed()) {
    verdict = "FAIL";
    if (!r.error.empty()) verdict += " (error)";
    else if (r.slo_met()) verdict += " (SLO met, goal missed)";
    else if (r.goal_met()) verdict += " (SLO missed)";
  }
  return std::string(head) + " " + measured + " | SLO: " + joined(r, Criterion::Kind::slo) +
         " | goal: " + joined(r, Criterion::Kind::goal) + " | " + verdict;
}

std::string report_json(const RunInfo& info, const std::vector<CheckResult>& results) {
  const auto passed = std::count_if(results.begin(), results.end(), [](const CheckResult& r) { return r.passed(); });
  tl::json::Writer w(true);
  w.begin_object();
  w.key("mode"), w.string(info.short_run ? "short" : "full");
  w.key("seed"), w.integer(static_cast<std::int64_t>(info.seed));
  w.key("overall"), w.string(passed == static_cast<std::ptrdiff_t>(results.size()) ? "PASS" : "FAIL");
  w.key("tests_passed"), w.integer(passed);
  w.key("tests_total"), w.integer(static_cast<std::int64_t>(results.size()));
  w.key("elapsed_s"), w.number(info.elapsed_s);
  w.key("tests"), w.begin_object();
  for (const auto& r : results) {
    w.key(r.key), w.begin_object();
    w.key("number"), w.integer(r.number);
    w.key("name"), w.string(r.name);
    w.key("pass"), w.boolean(r.passed());
    w.key("slo_met"), w.boolean(r.slo_met());
    w.key("goal_met"), w.boolean(r.goal_met());
    w.key("error"), w.string(r.error);
    w.key("criteria"), w.begin_object();
    for (const auto& c : r.criteria) {
      w.key(c.name), w.begin_object();
      w.key("kind"), w.string(kind_name(c.kind));
      w.key("value"), w.number(c.value);
      w.key("op"), w.string(c.op);
      w.key("threshold"), w.number(c.limit);
      if (c.op == "+-") w.key("target"), w.number(c.target);
      w.key("met"), w.boolean(c.met);
      w.end_object();
    }
    w.end_object();
    w.key("figures"), w.begin_object();
    for (const auto& [key, value] : r.figures) w.key(key), w.number(value);
    w.end_object();
    w.key("notes"), w.begin_array();
    for (const auto& n : r.notes) w.string(n);
    w.end_array();
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace mtpipe::app::perf
