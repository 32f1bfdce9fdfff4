// Checks a loaded package: resolves every name, infers and checks every type, rejects
// duplicates, definition cycles and parameter gaps. Annotates the syntax tree in place.
#pragma once

#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/limits.hpp"
#include "load/syntax.hpp"

namespace entitle::check {

// A package that passed the checker: every Expr has its type and (for names) its ref; the
// builtin facts `id` (household and member) are the first fields of their entity. Facts,
// parameters and definitions keep their indices from here on.
struct CheckedPackage {
  load::SyntaxTree tree;
  // For each rule: every parameter it reads, directly or through definitions.
  std::vector<std::vector<int>> rule_parameters;
};

// Appends every problem to `diagnostics`. The result is meaningful only if none is an error.
// Enforces limits.max_evaluation_depth: no rule or definition, followed through the definitions
// it names, nests deeper than that, so the evaluator's recursion is bounded.
CheckedPackage check_package(load::SyntaxTree tree, const Limits& limits, Diagnostics& diagnostics);

std::string type_name(const load::Type& type, const load::SyntaxTree& tree);

}  // namespace entitle::check
