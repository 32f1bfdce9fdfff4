// Lint: everything the loader and checker report about a policy package, plus warnings an author
// wants before a citizen finds the mistake (checks listed in lint_checks below).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/export.h"
#include "entitle/limits.hpp"

namespace entitle {

// The names of the lint checks; a warning's Diagnostic::code is one of them.
namespace lint_checks {
// A parameter no rule reads, directly or through definitions.
inline constexpr std::string_view kUnusedParameter = "unused-parameter";
// A definition no rule uses, directly or through other definitions.
inline constexpr std::string_view kUnusedDefinition = "unused-definition";
// A rule whose recipient filter and condition cannot be true together on any day it is in
// effect, decided by reasoning over the conditions (never by trying households).
inline constexpr std::string_view kNeverGranted = "never-granted";
// A rule whose legal basis (source and clause) is blank.
inline constexpr std::string_view kMissingBasis = "missing-basis";
// A rule whose title is blank in Chinese or English, or the same text in both.
inline constexpr std::string_view kMissingTitle = "missing-title";
// A parameter without a value on some day its rule is in effect that the checker does not
// reject (a rule without a start date is in effect before the parameter's first value).
inline constexpr std::string_view kParameterGap = "parameter-gap";
// Two rules with the same Chinese or English title.
inline constexpr std::string_view kDuplicateTitle = "duplicate-title";
// A file under tests/ in which no rule id appears.
inline constexpr std::string_view kOrphanTestFile = "orphan-test-file";
}  // namespace lint_checks

// A household that shows a never-granted rule, written as a ready-to-run policy test file
// (docs/policy-format.md): it meets every condition of the rule but one of those that
// contradict each other, and expects the rule not to be granted.
struct LintTestCase {
  std::string rule;       // rule id
  std::string file_name;  // suggested name inside the package's tests/ folder
  std::string yaml;       // the whole file
};

struct LintOptions {
  Limits limits;
};

struct ENTITLE_EXPORT LintReport {
  std::string package;              // the folder as given
  Diagnostics diagnostics;          // loader and checker errors first, then warnings in file order
  std::vector<LintTestCase> tests;  // one per never-granted rule a household was found for
  std::size_t errors() const noexcept;
  std::size_t warnings() const noexcept;
};

// Lints the package in `directory`. When the loader or checker reports errors, those are the
// whole report (the warnings need a package that checks). Never throws for bad input; may throw
// std::bad_alloc. Thread-safe for distinct calls.
ENTITLE_EXPORT LintReport lint_package(const std::string& directory,
                                       const LintOptions& options = {});

// `file:line:col: warning: message [check]` lines (with the source line and a caret), as
// editors and CI annotate them.
ENTITLE_EXPORT std::string lint_report_text(const LintReport& report);

// {"package", "errors", "warnings", "diagnostics": [{"severity", "code", "file", "line",
//  "column", "message"}], "tests": [{"rule", "file", "yaml"}]} on one line.
ENTITLE_EXPORT std::string lint_report_json(const LintReport& report);

}  // namespace entitle
