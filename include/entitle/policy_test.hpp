// Policy tests as data: cases in a package's tests/*.yaml (format: docs/policy-format.md),
// run by `entitle test` and by the library's own test suite.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/export.h"
#include "entitle/ruleset.hpp"

namespace entitle {

struct PolicyTestCase {
  std::string file;
  int line = 0;
  std::string name;
  bool passed = false;
  std::vector<std::string> problems;  // one sentence per unmet expectation
  std::string explanation;            // traces of the rules the problems name
  double seconds = 0;
};

struct ENTITLE_EXPORT PolicyTestReport {
  std::vector<PolicyTestCase> cases;
  Diagnostics diagnostics;  // malformed test files; each counts as a failure
  int passed() const;
  int failed() const;
};

// Runs every tests/*.yaml under `package_directory` against `rules`. Explanations of failures
// are written in `lang` ("en" or "zh").
ENTITLE_EXPORT PolicyTestReport run_policy_tests(std::shared_ptr<const RuleSet> rules,
                                                 const std::string& package_directory,
                                                 const std::string& lang = "en");

// JUnit XML for CI systems that annotate test results.
ENTITLE_EXPORT std::string policy_report_junit(const PolicyTestReport& report,
                                               const std::string& suite_name);

}  // namespace entitle
