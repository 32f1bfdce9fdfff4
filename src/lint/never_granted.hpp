// The never-granted check: a rule whose recipient filter and condition cannot hold together on
// any day of its effective period, with a household that shows it.
#pragma once

#include <memory>
#include <vector>

#include "check/checker.hpp"
#include "entitle/diagnostic.hpp"
#include "entitle/lint.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::lint {

// Appends a warning for every rule of `package` (compiled as `rules`) that can never be granted,
// and a policy test case for each one a household was found for.
void check_never_granted(const check::CheckedPackage& package,
                         const std::shared_ptr<const RuleSet>& rules, Diagnostics& warnings,
                         std::vector<LintTestCase>& tests);

}  // namespace entitle::lint
