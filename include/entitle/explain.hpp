// Explanations for caseworkers: why each rule was or was not granted to a household, in plain
// sentences (Chinese or English); when a condition that fails only because of time will hold;
// and the timeline of a household's entitlements over a window of dates.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/export.h"
#include "entitle/facts.hpp"
#include "entitle/result.hpp"
#include "entitle/ruleset.hpp"

namespace entitle {

struct ExplainOptions {
  std::string lang = "en";  // "en" or "zh"
  std::string rule;         // only this rule id; empty: every rule
  std::string member;       // only outcomes whose recipient is this member id; empty: all
  // How far ahead "when" looks for the date a failing condition starts to hold.
  int horizon_years = 100;
};

// Why the household's entitlements may differ from one day to the next.
struct ChangeCause {
  enum class Kind : std::uint8_t {
    kAge,        // `member`'s age (from date fact `field`) reaches `count` years that day
    kMonths,     // `count` whole months from `member`'s date fact `field` (months_between…)
    kParameter,  // parameter `index` takes a new value (or loses its value) that day
    kRuleStart,  // rule `index` comes into effect
    kRuleEnd,    // rule `index` stopped being in effect the day before
    kDate,       // a date an as_of() comparison of the package turns on
  };
  Kind kind = Kind::kDate;
  std::int32_t member = -1;  // kAge, kMonths: the member; -1 for a household date or a constant
  std::int32_t field = -1;   // kAge, kMonths: the date fact's slot; -1 when not a fact
  std::int32_t count = 0;    // kAge: years; kMonths: months
  std::int32_t index = -1;   // kParameter, kRuleStart, kRuleEnd
  bool operator==(const ChangeCause&) const = default;
};

struct ChangePoint {
  Date date;  // the first day of the possible change
  std::vector<ChangeCause> causes;
};

struct ChangePoints {
  std::vector<ChangePoint> points;  // in date order, each date once
  std::string unsupported;          // non-empty: the package uses as_of() in a way the
                                    // analysis cannot follow (named here); points is empty
};

// Every date in (from, to] on which anything a rule reads for this household can change value:
// anniversaries of the household's dates at the ages (and month counts) the rules compare them
// with, parameter values taking effect or ending, rules starting or ending, and the dates
// as_of() is compared with. Computed from the rule set's expressions and parameters, without
// evaluating any rule. Between two consecutive points every rule's outcome stays the same.
ENTITLE_EXPORT ChangePoints change_points(const RuleSet& rules, const Facts& facts, Date from,
                                          Date to);

// One entitlement (or undetermined rule) of a household on a day.
struct TimelineItem {
  std::uint32_t rule = 0;
  std::int32_t member = -1;             // -1: the household
  Outcome outcome = Outcome::kGranted;  // kGranted or kUndetermined
  bool has_amount = false, has_range = false, has_quantity = false;
  Decimal amount, amount_min, amount_max, quantity;
  bool operator==(const TimelineItem&) const = default;
};

// The granted and undetermined outcomes of `result` that pass options.rule / options.member,
// in result order.
ENTITLE_EXPORT std::vector<TimelineItem> timeline_items(const RuleSet& rules, const Facts& facts,
                                                        const Result& result,
                                                        const ExplainOptions& options);

struct TimelinePeriod {
  Date first, last;                 // inclusive
  std::vector<TimelineItem> items;  // the same on every day of the period
  std::vector<ChangeCause> causes;  // why the period starts (empty for the first)
};

struct Timeline {
  std::vector<TimelinePeriod> periods;  // cover [from, to] without gaps; neighbours differ
  std::string unsupported;              // as in ChangePoints; periods is empty then
};

// The periods of [from, to] over which the household's items stay the same: the rules are
// evaluated on `from` and on each change point only. Requires from <= to.
ENTITLE_EXPORT Timeline compute_timeline(const std::shared_ptr<const RuleSet>& rules,
                                         const Facts& facts, Date from, Date to,
                                         const ExplainOptions& options = {});

ENTITLE_EXPORT std::string render_timeline(const RuleSet& rules, const Facts& facts,
                                           const Timeline& timeline, const ExplainOptions& options);

// For each rule (or the one asked) and each recipient: granted because…, not granted because…
// (the failing conditions with their actual values), undetermined because these facts are
// missing; and for a condition that fails only because of time, the date it will hold and
// whether the rule is then granted. Plain text in options.lang, ending with a newline.
ENTITLE_EXPORT std::string explain_text(const std::shared_ptr<const RuleSet>& rules,
                                        const Facts& facts, Date as_of,
                                        const ExplainOptions& options);

}  // namespace entitle
