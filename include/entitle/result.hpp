// Result: the itemised outcome of evaluating one household as of a date, and its trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/decimal.hpp"
#include "entitle/value.hpp"

namespace entitle {

enum class Outcome : std::uint8_t {
  kGranted,
  kNotGranted,
  kUndetermined,  // the known facts do not decide; `missing` names the facts that would
  kError,         // a fault inside the rule (overflow, division by zero, step budget)
};

enum class NotGrantedReason : std::uint8_t {
  kNone,
  kConditionFalse,
  kNotRecipient,  // the member does not match the rule's recipient filter
  kNoRecipient,   // no member matches the filter (member = -1)
  kNotInEffect,   // the as-of date is outside the rule's effective period
};

// A fact whose absence left a rule undetermined: members[member].field, or household.field.
struct MissingFact {
  std::int32_t member = -1;  // -1: a household fact
  std::uint32_t field = 0;   // slot in the household or member schema
  bool operator==(const MissingFact&) const = default;
};

inline constexpr std::uint32_t kNoTrace = UINT32_MAX;

// One node of the explanation: the expression (by compiled node, see RuleSet::impl().node_info),
// the value it had, and for parameters the date from which that value held. A definition's
// subtree is recorded once and shared by every node that uses the definition (its root is the
// only child of each), so the trace is a DAG: walk it expanding each node once.
struct TraceNode {
  std::uint32_t source = 0;
  std::int32_t member = -1;  // the member in scope, -1 for the household
  Value value;
  std::int32_t parameter = -1;  // a parameter read: its index, with `since`
  Date since;
  std::uint32_t first_child = kNoTrace;
  std::uint32_t next_sibling = kNoTrace;
};

struct RuleOutcome {
  std::uint32_t rule = 0;
  std::int32_t member = -1;  // -1: the household is the recipient
  Outcome outcome = Outcome::kNotGranted;
  NotGrantedReason reason = NotGrantedReason::kNone;
  EvalError error = EvalError::kNone;
  bool has_amount = false, has_range = false, has_quantity = false;
  Decimal amount, amount_min, amount_max, quantity;
  std::uint32_t missing_begin = 0, missing_end = 0;  // range in Result::missing
  std::uint32_t filter_trace = kNoTrace;             // recipient filter, member rules
  std::uint32_t condition_trace = kNoTrace;          // the `when` condition
};

struct Totals {
  Decimal once, daily, monthly, yearly, per_occasion;  // per_occasion: a year's occasions
  Decimal annual;  // 12 × monthly + yearly + per_occasion + 365 × daily
  bool overflow = false;
};

struct Result {
  std::string household_id;
  Date as_of;
  std::vector<RuleOutcome> outcomes;  // rule order, then member order
  std::vector<MissingFact> missing;
  std::vector<TraceNode> trace;  // empty unless tracing
  Totals totals;
  std::uint64_t steps = 0;  // expression nodes visited (Limits::max_household_steps counts them)

  void clear() noexcept {
    household_id.clear();
    outcomes.clear();
    missing.clear();
    trace.clear();
    totals = {};
    steps = 0;
  }
};

}  // namespace entitle
