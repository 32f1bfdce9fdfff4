// Resource limits: what one policy package or one household may cost the engine at most. Each
// default is a named member with the reason it has that value; every limit that is hit is reported
// as a diagnostic that names it (codes E002 for policy packages, F006 for households, R001 for
// evaluation), and each can be raised: LoadOptions::limits in C++, `--limit name=value` on the
// command line (set_limit below parses that form).
//
// Some bounds are not limits because nothing can raise them: numbers are exact decimals in
// [-922337203685477.5808, 922337203685477.5807] (decimal.hpp), dates lie in the years
// [1800, 2200] (date.hpp), and YAML anchors, aliases and merge keys are always rejected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entitle/export.h"

namespace entitle {

struct Limits {
  // Nesting of YAML (policy files, households) and JSON (households). yaml-cpp 0.7 recurses once
  // per level and gives up near 500 with an unhelpful "bad file"; real policy files nest fewer
  // than 10 levels, households 4.
  int max_yaml_depth = 64;
  // One policy file, on disk or in memory. Policy files are written by hand; yaml-cpp needs about
  // 90 MB of memory per MiB of YAML.
  std::size_t max_policy_file_bytes = std::size_t{4} << 20;
  // One household document (YAML or JSON, a file or stdin, a JSON Lines or CSV record of
  // `entitle batch`). One household is a few hundred bytes; this bounds what a hostile record
  // can make a reader hold and the parser allocate.
  std::size_t max_household_bytes = std::size_t{1} << 20;
  // Nesting of one written expression, counting parentheses, operators and all:/any:/not:
  // levels. The parser is recursive descent, so depth bounds its stack; the Wuhan package needs 10.
  int max_expression_depth = 64;
  // Length of one expression's text in bytes.
  std::size_t max_expression_length = 8192;
  // Nesting of a whole evaluation: expression levels plus the levels of every definition reached
  // through names, checked when the package is loaded. The evaluator and the trace renderers
  // recurse once per level, about 300 bytes of stack each in a release build: 256 levels need
  // under 100 KiB, well inside any thread stack an embedder is likely to give (a test runs them in
  // 1 MiB under AddressSanitizer). The Wuhan package reaches 13.
  int max_evaluation_depth = 256;
  // Members in one household. The largest real households have about a dozen members; the cost
  // of a rule that aggregates inside a member rule grows with the square of this number.
  std::size_t max_members = 256;
  // Expression nodes the evaluation of one rule for one recipient may visit (a definition counts
  // once per household or member); a rule that exceeds it is an error, the others are decided.
  // Stops one pathological rule (exponential re-evaluation, members × members aggregations)
  // without making the other rules' outcomes depend on it.
  std::uint64_t max_eval_steps = 10'000'000;
  // Expression nodes one household's whole evaluation may visit: every rule and recipient,
  // traced or not, with the re-runs that find missing facts and the operands traced only for
  // show (EvalOptions::trace_all_conditions). Bounds the time of one household (about 0.1 to
  // 0.5 s) and the memory of its trace (a traced step keeps a 40-byte node: 800 MB at most),
  // which max_eval_steps alone does not: it allows that much per rule and member. When it is
  // exceeded the rule being evaluated and all after it are errors.
  std::uint64_t max_household_steps = 20'000'000;
};

// Sets the limit called `name` (a member of Limits, e.g. "max_members") to `value`, written as a
// whole decimal number. Returns an empty string on success; otherwise a message that says what
// was wrong (an unknown name, with a suggestion; not a whole number; outside what the engine can
// support, e.g. max_yaml_depth above what yaml-cpp can parse), and `limits` is unchanged.
// Thread-safe; used by `entitle --limit` and the C API.
ENTITLE_EXPORT std::string set_limit(Limits& limits, std::string_view name, std::string_view value);

// Every limit as "name=value" with the values in `limits`, in the order of the struct.
ENTITLE_EXPORT std::vector<std::string> describe_limits(const Limits& limits);

}  // namespace entitle
