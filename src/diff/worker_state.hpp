// DiffWorker::State: what one working thread of a diff keeps, read by make_diff_report.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diff/distribution.hpp"
#include "entitle/batch.hpp"
#include "entitle/diff.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"

namespace entitle::diff {

// The rules of both rule sets, matched by id: the base's in order, then the reform's new ones.
struct CommonRules {
  struct Entry {
    std::string id;
    int base = -1, reform = -1;  // index in each rule set, -1 when absent
  };
  std::vector<Entry> rules;
  std::vector<std::uint32_t> from_base, from_reform;  // rule index → index in `rules`

  CommonRules(const RuleSet& base, const RuleSet& reform);
};

// One (rule, recipient) outcome that is not "not granted", keyed by the common rule index.
struct Entry {
  std::uint32_t rule = 0;  // index in CommonRules::rules
  std::int32_t member = -1;
  const RuleOutcome* outcome = nullptr;
  bool operator<(const Entry& other) const {
    return rule != other.rule ? rule < other.rule : member < other.member;
  }
};

// The order of DiffReport::gains (gains true) and losses: the largest change first, then input
// order.
bool ranks_before(const DiffHousehold& a, const DiffHousehold& b, bool gains);

}  // namespace entitle::diff

namespace entitle {

struct DiffWorker::State {
  State(std::shared_ptr<const RuleSet> base_rules, std::shared_ptr<const RuleSet> reform_rules,
        const DiffOptions& diff_options);

  std::shared_ptr<const RuleSet> base, reform;
  DiffOptions options;
  diff::CommonRules common;
  Evaluator base_evaluator, reform_evaluator;

  // Records are bound with the reform's schema; when the base's differs, each household is
  // copied into base_facts through these maps (base slot → reform slot).
  bool same_schema = true;
  std::vector<std::uint32_t> household_slots, member_slots;
  Facts base_facts;

  BatchSummary base_summary, reform_summary;
  std::uint64_t better_off = 0, worse_off = 0, unchanged = 0, unchanged_other = 0;
  bool overflow = false;
  diff::Distribution annual, once;
  std::vector<DiffHousehold> gains, losses;  // sorted, at most options.top each
  std::uint64_t errors = 0;
  std::vector<DiffRecordError> first_errors;

  std::vector<diff::Entry> base_entries, reform_entries;  // scratch
  std::vector<std::pair<int, int>> changed;  // scratch: positions in the entry lists, or -1
};

}  // namespace entitle
