// Households for the never-granted check: facts chosen from the reasoning's model, written as
// YAML, and confirmed by evaluating them with the engine itself.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "entitle/ruleset.hpp"
#include "lint/conditions.hpp"

namespace entitle::lint {

struct WitnessSearch {
  const check::CheckedPackage& package;
  std::shared_ptr<const RuleSet> rules;    // the package as written
  std::shared_ptr<const RuleSet> relaxed;  // the same with one contradicting condition removed
  int rule = 0;
  Date as_of;
  const Reasoner& reasoner;                   // on the day `as_of`
  const Model& model;                         // satisfies the relaxed conditions
  std::vector<const load::Expr*> conditions;  // the relaxed conditions, for member templates
};

struct Witness {
  std::string household_yaml;  // block YAML at indent 0: `id: …`, facts, `members:`
  std::string recipient;       // member id, empty for a household rule
};

// A household on which the relaxed rule is granted (to its first member for a member rule) and
// the real rule is not. `contradicted` is set when some candidate household was granted the real
// rule, i.e. the reasoning that called it never granted was wrong and no warning may be given.
std::optional<Witness> find_witness(const WitnessSearch& search, bool& contradicted);

}  // namespace entitle::lint
