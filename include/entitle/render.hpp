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
// distinct outputs; never throws but std::bad_alloc. Whatever depends only on the rule set (rule
// ids, titles, legal basis, expression texts for traces) is escaped once per rule set, on first
// use, and copied into each result: no allocation per result unless `out` grows.
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

// A digest of rule set, facts and date: the same decision always has the same id. It is the first
// 32 hex digits of SHA-256 over the rule set's digest (64 hex digits), the date (YYYY-MM-DD) and
// every fact in schema order (household slots, then each member's, a member starting with byte
// 0xFF), each as its ValueKind byte and then: bool, enum index, number units (zigzag) and date
// days (zigzag) as LEB128 varints; a string as its length (varint) and bytes; nothing for
// unknown. The encoding is injective, so different facts never share an id by construction.
ENTITLE_EXPORT std::string decision_id(const RuleSet& rules, const Facts& facts, Date as_of);

}  // namespace entitle
