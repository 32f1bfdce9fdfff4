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

// Reads `node` as `type`. Strings are not handled here (they need storage): for kString the
// caller checks the node is a scalar itself. On failure returns nullopt and sets `expected` to
// what was expected, e.g. "a date YYYY-MM-DD" or "one of: parent, child, other".
std::optional<Value> read_scalar(const Node& node, FactType type,
                                 const std::vector<std::string>& enum_values,
                                 std::string& expected);

std::optional<FactType> fact_type_from_name(std::string_view name) noexcept;

}  // namespace entitle::load
