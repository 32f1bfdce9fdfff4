// Policy what-if: a base and a reform rule set (docs/policy-format.md "Reform packages")
// evaluated over the same population in one pass, and the comparison as a report — cost per
// rule and in total, who is better or worse off and by how much, and why for the households
// with the largest gain and loss. `entitle diff` is a thin driver of this header.
//
// Use: check diff_schema_problem(); run run_batch() (entitle/batch.hpp) with one DiffWorker per
// thread, binding the records with the reform's rule set; then make_diff_report() from the
// workers, and render it with render_diff_text/json/html.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "entitle/batch.hpp"
#include "entitle/date.hpp"
#include "entitle/decimal.hpp"
#include "entitle/export.h"
#include "entitle/ruleset.hpp"

namespace entitle {

struct DiffOptions {
  std::size_t top = 3;           // households listed with the largest gain and the largest loss
  std::size_t kept_errors = 20;  // error records listed (all of them are counted)
};

// Why a population cannot be compared under both rule sets, or empty when it can: every fact of
// the base must be a fact of the reform with the same type (and the same enum values), since
// records are bound with the reform's schema. A reform package always passes.
ENTITLE_EXPORT std::string diff_schema_problem(const RuleSet& base, const RuleSet& reform);

// Evaluates each household under both rule sets and tallies the comparison; appends no output.
// Records are bound with the reform's rule set (run_batch's `rules`). Not thread-safe: one per
// working thread, as run_batch uses workers.
class ENTITLE_EXPORT DiffWorker : public BatchWorker {
 public:
  // Throws std::invalid_argument when diff_schema_problem(*base, *reform) is not empty.
  DiffWorker(std::shared_ptr<const RuleSet> base, std::shared_ptr<const RuleSet> reform,
             const DiffOptions& options = {});
  ~DiffWorker() override;
  DiffWorker(const DiffWorker&) = delete;
  DiffWorker& operator=(const DiffWorker&) = delete;

  void household(const BatchRecord& record, std::string& out) override;
  void error(const BatchError& error, std::string& out) override;

  struct State;
  const State& state() const noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

struct DiffPackage {
  std::string name, version, digest, directory;
};

// One rule of either rule set, matched by id.
struct DiffRule {
  std::string id;
  std::string title;  // English title, the reform's when both have the rule
  GrantKind kind = GrantKind::kCash;
  Period period = Period::kNone;
  bool in_base = false, in_reform = false;
  RuleTally base, reform;          // zero where the rule is absent
  Decimal base_once, reform_once;  // one-time cash (RuleTally::annual is the recurring cash)
};

// A range of per-household change and how many households fall in it. A bin with low == high
// holds exactly that change (the zero bin, and every bin when few distinct changes occur); in a
// wider bin gains are low < x <= high and losses low <= x < high.
struct DiffBin {
  Decimal low, high;
  std::uint64_t households = 0;
};

// A rule outcome that differs between base and reform for one recipient.
struct DiffRuleChange {
  std::string rule;
  std::string recipient;     // member id, or "household"
  std::string base, reform;  // e.g. "granted 100.00 CNY monthly", "not granted"
  // Why: parameters whose value differs on the date ("care_allowance_70_amount: 100.00 →
  // 200.00 (from 2014-01-01)"), a changed effective period, and the trace lines of the base
  // ("- ") and of the reform ("+ ") that differ.
  std::vector<std::string> why;
};

struct DiffHousehold {
  std::string id;
  std::uint64_t line = 0;  // input line where the record starts
  Date as_of;
  Decimal base_once, base_annual, reform_once, reform_annual;
  Decimal change;  // (reform once + annual) − (base once + annual): the first year's cash
  std::vector<DiffRuleChange> rules;
};

struct DiffRecordError {
  std::uint64_t line = 0;
  std::string household;  // empty when the id could not be read
  std::string message;
};

struct DiffReport {
  DiffPackage base, reform;
  std::string currency;
  std::optional<Date> as_of;  // the date every household was evaluated on; nullopt: its own
  std::uint64_t records = 0;  // households and error records
  std::uint64_t households = 0;
  std::uint64_t errors = 0;                   // error records, as `entitle batch` writes them
  std::vector<DiffRecordError> first_errors;  // the first DiffOptions::kept_errors, by line
  std::vector<DiffRule> rules;  // the base's rules in order, then the reform's new ones
  Decimal base_once, reform_once, base_annual, reform_annual;  // cash over the population
  // By the change in a household's first-year cash (DiffHousehold::change); `unchanged_other`
  // counts the unchanged households whose entitlements changed otherwise (in kind, priority,
  // points, undetermined, discretionary ranges).
  std::uint64_t better_off = 0, worse_off = 0, unchanged = 0, unchanged_other = 0;
  // Distributions of the change per household in annual cash and in one-time cash, every
  // household counted once, in increasing order (the zero bin among them). Exact up to 4096
  // distinct changes; beyond that changes are rounded down to a power of ten of 0.0001.
  std::vector<DiffBin> annual_bins, once_bins;
  std::vector<DiffHousehold> gains, losses;  // the largest first; ties by input order
  bool overflow = false;                     // a sum left the range of Decimal
};

// Combines the workers' tallies. `stats` is what run_batch returned; `as_of` its options.as_of.
ENTITLE_EXPORT DiffReport make_diff_report(const RuleSet& base, const RuleSet& reform,
                                           std::span<const DiffWorker* const> workers,
                                           const BatchStats& stats, std::optional<Date> as_of,
                                           const DiffOptions& options = {});

// A table for a terminal, ending with a newline.
ENTITLE_EXPORT std::string render_diff_text(const DiffReport& report);
// One JSON object (README "entitle diff"), ending with a newline.
ENTITLE_EXPORT std::string render_diff_json(const DiffReport& report);
// One self-contained HTML page: inline CSS and SVG charts, no scripts, nothing fetched.
ENTITLE_EXPORT std::string render_diff_html(const DiffReport& report);

}  // namespace entitle
