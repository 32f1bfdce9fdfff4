// Rendering: Result → JSON (the contract other systems parse) or text for people (zh/en).
#pragma once

#include <string>
#include <string_view>

#include "entitle/export.h"
#include "entitle/facts.hpp"
#include "entitle/result.hpp"
#include "entitle/ruleset.hpp"

namespace entitle {

struct RenderOptions {
  std::string lang = "en";  // "en" or "zh"
  bool explain = false;     // include each rule's trace (the result must have been traced)
  bool not_granted = true;  // list rules that were decided against
};

// Appends the JSON form of `result` (one line, no trailing newline) to `out`. Thread-safe for
// distinct outputs; never throws but std::bad_alloc.
ENTITLE_EXPORT void render_json(const RuleSet& rules, const Facts& facts, const Result& result,
                                const RenderOptions& options, std::string& out);

// A readable report, in options.lang, ending with a newline.
ENTITLE_EXPORT std::string render_text(const RuleSet& rules, const Facts& facts,
                                       const Result& result, const RenderOptions& options);

// The explanation of one rule outcome as indented lines (used by the text report and by
// `entitle test` to show why a case failed).
ENTITLE_EXPORT std::string render_trace(const RuleSet& rules, const Facts& facts,
                                        const Result& result, const RuleOutcome& outcome,
                                        std::string_view lang, int indent);

// "members[1].birth_date" or "living_difficulty".
ENTITLE_EXPORT std::string missing_path(const RuleSet& rules, const MissingFact& fact);

// A digest of rule set, facts and date: the same decision always has the same id.
ENTITLE_EXPORT std::string decision_id(const RuleSet& rules, const Facts& facts, Date as_of);

}  // namespace entitle
