// Binding from an already-parsed tree, for callers inside the library that read households
// embedded in other files (policy tests).
#pragma once

#include "entitle/facts.hpp"
#include "load/document.hpp"

namespace entitle::facts {

bool bind_node(const RuleSet& rules, const load::Node& root, std::string_view source_name,
               Facts& facts, Diagnostics& diagnostics);

}  // namespace entitle::facts
