// Test helpers: tiny policy packages written from YAML strings, loaded in memory through the
// public load_ruleset_from_files, and short ways to bind, evaluate and look at the result.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::testing {

using Files = std::vector<std::pair<std::string, std::string>>;

// A package.yaml with one source document `src`; `age_convention` is YAML for that key's value
// (e.g. "{birthday: day_after, feb29: feb28}"), empty for the default.
std::string manifest(std::string_view age_convention = "");

// schema.yaml of the test packages: household facts flag, other_flag (bool), income (money),
// size (integer, 0..20), ratio (decimal), region (enum urban/rural), start (date), label
// (string); member facts role (enum parent/child/other), birth_date, joined (date), retired,
// deceased (bool), disabled (bool, default false), grade (integer 0..4, default 0), pay (money),
// score (decimal), name (string). Parameters: threshold (money, 1000.00 from 2012-08-01, 1200.00
// from 2014-01-01) and elderly_age (integer, 60 from 2012-08-01 until 2030-12-31).
std::string standard_schema();

// Loads `files`; adds package.yaml (manifest()) and schema.yaml (standard_schema()) when
// `files` has none of that name.
LoadResult load(Files files, const LoadOptions& options = {});

// load() and REQUIREs a clean package (printing the diagnostics when it is not).
std::shared_ptr<const RuleSet> load_ok(Files files, const LoadOptions& options = {});

// One rule file "rules.yaml" holding `yaml` (a `rules:` / `definitions:` document) on top of the
// standard package.
std::shared_ptr<const RuleSet> load_rules(std::string_view yaml, const LoadOptions& options = {});

// rules.yaml text with one household rule `r` (source src); `when` and `grant` are YAML values
// written as given, `extra` more lines of the rule (indented by four spaces).
std::string rule_file(std::string_view when = "flag",
                      std::string_view grant = "{kind: cash, amount: 100, period: once}",
                      std::string_view extra = "");

// Diagnostics of loading `files` (REQUIREs that loading failed).
Diagnostics load_errors(Files files);

// The diagnostics as "file:line:col: CODE message" lines, for matching in tests.
std::vector<std::string> brief(const Diagnostics& diagnostics);

// The first diagnostic with `code` ("E002"); REQUIREs that there is one.
Diagnostic first_with_code(const Diagnostics& diagnostics, std::string_view code);

// How many diagnostics have `code`.
std::size_t count_with_code(const Diagnostics& diagnostics, std::string_view code);

// Binds a YAML household and REQUIREs success.
void bind_ok(const RuleSet& rules, std::string_view yaml, Facts& facts);

// The F0xx diagnostics of binding `text` (YAML or JSON by bind_household); REQUIREs failure.
Diagnostics bind_errors(const RuleSet& rules, std::string_view text);

// The outcome of rule `id` for `member` ("household" for household rules, "" for the entry
// without a recipient such as no_recipient/not_in_effect); REQUIREs that there is one.
const RuleOutcome& outcome(const RuleSet& rules, const Facts& facts, const Result& result,
                           std::string_view id, std::string_view member = "household");

// The missing fact paths of an outcome, in result order.
std::vector<std::string> missing(const RuleSet& rules, const Result& result, const RuleOutcome& o);

// Evaluates the expression `expr` for the household (or, with member non-empty, in that member's
// scope) of `household` as of `as_of`, and returns its value as the trace shows it: "unknown",
// "true", "7000.00" (money), "3.5", "2012-08-01", "parent", "error: overflow"…
// `extra` are more package files (a package.yaml among them replaces the default manifest).
std::string value_of(std::string_view expr, std::string_view household,
                     std::string_view as_of = "2013-01-01", std::string_view member = "",
                     Files extra = {});

// The outcome of a household rule `when: <condition>` (condition written as YAML, e.g. a quoted
// expression or an all:/any: block) on `household` as of 2013-01-01: "granted", "not_granted",
// "undetermined" or "error".
std::string decide(std::string_view condition_yaml, std::string_view household);

std::string outcome_name(Outcome o);

// tests/data/<relative>
std::string test_data(std::string_view relative);
// The repository's own file <relative> (rules/, examples/).
std::string source_path(std::string_view relative);
std::string read_file(const std::string& path);

}  // namespace entitle::testing

namespace entitle::testing {

// A policy package loaded from its folder and a household file bound to it.
struct HouseholdFile {
  std::shared_ptr<const RuleSet> rules;
  Facts facts;
};

// Loads `package` (unless out.rules is set already) and binds the household file `path` to it;
// REQUIREs both.
void load_household(const std::string& package, const std::string& path, HouseholdFile& out);

// Compares `actual` with tests/data/golden/<name>. On a mismatch (or a missing golden file)
// writes <name>.actual beside it and fails with the first differing lines; to accept a change,
// review the .actual file and move it over the golden one.
void check_golden(const std::string& name, const std::string& actual);

// The Wuhan package, loaded from its files under the relative paths "rules/wuhan-2012/…", so
// that trace locations in rendered output do not depend on where the checkout lies.
std::shared_ptr<const RuleSet> wuhan();

}  // namespace entitle::testing
