// JSON text → load::Node (simdjson on-demand), so that JSON and YAML households go through one
// binder. Numbers keep their exact text: money is never read through a double.
#pragma once

#include <string_view>

#include "entitle/diagnostic.hpp"
#include "entitle/limits.hpp"
#include "load/document.hpp"

namespace entitle::facts {

// Parses one JSON value. On error returns false with a diagnostic naming `source_name` and,
// where simdjson tells it, the line and column. Rejects duplicate keys and nesting deeper than
// limits.max_yaml_depth.
bool parse_json(std::string_view text, std::string_view source_name, const Limits& limits,
                load::Node& out, Diagnostics& diagnostics);

}  // namespace entitle::facts
