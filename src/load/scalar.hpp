// Typed reading of scalars, shared by parameter values, schema defaults and household facts,
// so that a value means the same wherever it is written. YAML 1.1 readings (`yes`, `0x1F`,
// `.inf`) are not accepted: the schema's type decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/document.hpp"
#include "load/syntax.hpp"

namespace entitle::load {

// A scalar as written: its text (numbers keep their exact text) and how it was written. Every
// reader of facts (YAML and JSON trees, JSON read on demand, CSV cells) reduces a value to this.
struct ScalarText {
  std::string_view text;
  Node::Style style = Node::Style::kPlain;
};

// Reads `scalar` as `type`. Strings are not handled here (they need storage): for kString the
// caller takes the text itself. Returns nullopt when the text is not a `type`; expected_text()
// then says what was expected. Allocates nothing.
std::optional<Value> read_scalar(ScalarText scalar, FactType type,
                                 const std::vector<std::string>& enum_values) noexcept;

// What read_scalar expected, e.g. "a date YYYY-MM-DD" or "one of: parent, child, other".
std::string expected_text(FactType type, const std::vector<std::string>& enum_values);

// Why read_scalar refused a scalar.
struct ScalarProblem {
  std::string expected;  // what was expected: expected_text(), or the range of Decimal
  // A well-written number too large for Decimal: callers report a limit (E002, F006), not a
  // mistyped value, since no other spelling of it would be accepted.
  bool out_of_range = false;
};

// The problem of a `scalar` that read_scalar refused as `type`.
ScalarProblem scalar_problem(ScalarText scalar, FactType type,
                             const std::vector<std::string>& enum_values);

// read_scalar for a node of a tree, failing for a non-scalar node; on failure fills `problem`.
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
