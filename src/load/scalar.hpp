// Typed reading of scalars, shared by parameter values, schema defaults and household facts,
// so that a value means the same wherever it is written. YAML 1.1 readings (`yes`, `0x1F`,
// `.inf`) are not accepted: the schema's type decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load/document.hpp"
#include "load/syntax.hpp"

namespace entitle::load {

// Why read_scalar refused a node.
struct ScalarProblem {
  // What was expected, e.g. "a date YYYY-MM-DD" or "one of: parent, child, other".
  std::string expected;
  // The node is a well-written number too large for Decimal: callers report a limit (E002,
  // F006), not a mistyped value, since no other spelling of it would be accepted.
  bool out_of_range = false;
};

// Reads `node` as `type`. Strings are not handled here (they need storage): for kString the
// caller checks the node is a scalar itself. On failure returns nullopt and fills `problem`.
std::optional<Value> read_scalar(const Node& node, FactType type,
                                 const std::vector<std::string>& enum_values,
                                 ScalarProblem& problem);

// Whether `text` is written as an exact decimal (['-'] digits ['.' 1 to 4 digits]) yet lies
// outside the range of Decimal.
bool is_decimal_out_of_range(std::string_view text) noexcept;

// "-922337203685477.5808 and 922337203685477.5807": the range of Decimal, for messages.
std::string decimal_range_text();

std::optional<FactType> fact_type_from_name(std::string_view name) noexcept;

}  // namespace entitle::load
