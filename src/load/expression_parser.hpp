// Parses the rule language (grammar in docs/policy-format.md) into load::Expr trees.
#pragma once

#include <optional>
#include <string_view>

#include "entitle/diagnostic.hpp"
#include "entitle/limits.hpp"
#include "load/syntax.hpp"

namespace entitle::load {

// `text` is the expression; `start` is where its first character stands in `file` (so that
// every node gets its own line and column). Errors go to `diagnostics`; returns nullopt then.
std::optional<Expr> parse_expression(std::string_view text, const SourceFile& file,
                                     std::uint32_t file_index, Position start, const Limits& limits,
                                     Diagnostics& diagnostics);

}  // namespace entitle::load
