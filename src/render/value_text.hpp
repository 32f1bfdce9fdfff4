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

// "age = 61; elderly_age = 60 since 2012-08-01": the non-literal operands of trace node `t` with
// their values (nested operands in brackets); empty for logical nodes, aggregates and
// definitions. `since` is the word before a parameter's effective date.
std::string operand_values(const RuleSet::Impl& impl, const std::vector<TraceNode>& trace,
                           const TraceNode& t, std::string_view since);

// What a granted outcome gives, in `lang`: "7000.00 CNY once", "5000.00–10000.00 CNY once",
// "1 hour/day"; per-occasion grants name their occasions; empty when the grant has none of these
// (a priority or a service).
std::string grant_text(const RuleSet& rules, const RuleOutcome& o, std::string_view lang);

// Money with at least two decimals ("7000.00").
inline std::string money_text(Decimal amount) {
  return amount.to_string(2);
}

}  // namespace entitle::render
