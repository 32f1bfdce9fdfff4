// Packages and households from files, for the explain tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Loaded {
  std::shared_ptr<const RuleSet> rules;
  Facts facts;
};

// Loads `package` (or reuses `out.rules` when set) and binds `household` to it.
inline void load(const std::string& package, const std::filesystem::path& household, Loaded& out) {
  if (!out.rules) out.rules = load_ruleset(package).rules;
  REQUIRE(out.rules);
  Diagnostics diagnostics;
  REQUIRE(
      bind_household(*out.rules, read_file(household), household.string(), out.facts, diagnostics));
}

}  // namespace entitle::testing
