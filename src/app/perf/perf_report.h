#pragma once
// What one check of `mtpipe perf` found: the figures it is judged by, each against the old system's SLO or our own
// goal, plus figures and notes that explain them. A check passes when every criterion is met (the SLO and the
// goal); the report says which side fell short when one did.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mtpipe::app::perf {

struct Criterion {
  enum class Kind : std::uint8_t { slo, goal };
  Kind kind = Kind::slo;
  std::string name;  // a JSON key, e.g. "success_pct"
  std::string label;  // for the line, e.g. "success"
  std::string op;    // ">=", ">", "<=", "<", "==", "+-" (within `limit` of `target`)
  double value = 0;
  double limit = 0;
  double target = 0;  // "+-" only
  std::string unit;  // appended to numbers: "%", " ms", ""
  bool met = false;
};

// Criteria built from a figure and its threshold; `met` is computed here, nowhere else.
Criterion at_least(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                   std::string unit = "");
Criterion below(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                std::string unit = "");
Criterion at_most(Criterion::Kind kind, std::string name, std::string label, double value, double limit,
                  std::string unit = "");
Criterion equal_to(Criterion::Kind kind, std::string name, std::string label, double value, double expected,
                   std::string unit = "");
// |value - target| <= tolerance.
Criterion within(Criterion::Kind kind, std::string name, std::string label, double value, double target,
                 double tolerance, std::string unit = "");

struct CheckResult {
  int number = 0;
  std::string name;  // e.g. "account-pool balance"
  std::string key;   // its JSON key, e.g. "balance"
  std::vector<Criterion> criteria;
  std::vector<std::pair<std::string, double>> figures;  // everything else measured, by JSON key
  std::vector<std::string> notes;                       // what a reader needs to judge the figures
  std::vector<std::string> shown;                       // unjudged figures worth a place on the line
  std::string error;  // the check could not run to its end: a FAIL whatever the criteria say

  void figure(std::string key, double value) { figures.emplace_back(std::move(key), value); }
  bool slo_met() const;
  bool goal_met() const;
  bool passed() const { return error.empty() && slo_met() && goal_met(); }
};

// `value` with `decimals` digits after the point, for lines and notes.
std::string format_fixed(double value, int decimals);

// One line: number, name, the measured values, "SLO: ...", "goal: ...", PASS or FAIL (with the side that
// failed).
std::string summary_line(const CheckResult& result);

struct RunInfo {
  bool short_run = false;
  std::uint64_t seed = 0;
  double elapsed_s = 0;
};

// The whole run as one JSON document: mode, seed, overall status, and per check every criterion (value,
// threshold, met), every figure and note.
std::string report_json(const RunInfo& info, const std::vector<CheckResult>& results);

}  // namespace mtpipe::app::perf
