// How a value reads, shared by the JSON and text renderers.
#pragma once

#include <string>

#include "compile/program.hpp"
#include "entitle/result.hpp"
#include "entitle/value.hpp"

namespace entitle::render {

// The value as text, formatted by the type of the node that produced it: money with two
// decimals, enums by name, "unknown" for unknown.
std::string value_text(const Value& value, const compile::NodeInfo& info);

std::string_view error_name(EvalError error) noexcept;

// Money with at least two decimals ("7000.00").
inline std::string money_text(Decimal amount) {
  return amount.to_string(2);
}

}  // namespace entitle::render
