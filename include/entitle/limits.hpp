// Resource limits. Each default is a named constant with the reason it has that value; every
// limit that is hit is reported as a diagnostic (code E002 or F006) that names it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace entitle {

struct Limits {
  // yaml-cpp 0.7 recurses once per nesting level and gives up at 500 with "bad file"; real
  // policy files nest fewer than 10 levels.
  int max_yaml_depth = 64;
  // Policy files are hand-written; yaml-cpp needs ~90 MB of memory per MiB of YAML.
  std::size_t max_policy_file_bytes = std::size_t{4} << 20;
  // One household is a few hundred bytes; this bounds a hostile record's memory.
  std::size_t max_household_bytes = std::size_t{1} << 20;
  // The parser is recursive descent: depth bounds its stack use.
  int max_expression_depth = 64;
  std::size_t max_expression_length = 8192;
  // The largest real households have about a dozen members.
  std::size_t max_members = 256;
  // Expression nodes the evaluation of one rule for one recipient may visit (a definition counts
  // once per household or member); a rule that exceeds it is an error, the others are decided.
  std::uint64_t max_eval_steps = 10'000'000;
};

}  // namespace entitle
