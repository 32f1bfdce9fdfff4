// The input facts of a package described for other systems and for people: what `entitle eval`
// accepts as a household, as a JSON Schema (draft 2020-12) and as Markdown tables.
#pragma once

#include <string>

#include "entitle/export.h"
#include "entitle/ruleset.hpp"

namespace entitle {

// A JSON Schema (draft 2020-12), pretty-printed and ending with a newline, that accepts the
// households (in their JSON form) the binder accepts: types, enum values, required facts,
// defaults, date format with the accepted year range, numeric bounds; each property's `title` is
// its Chinese label and `description` its English text. What JSON Schema cannot say (member ids
// unique within the household; at most four decimals on a JSON number; bounds on amounts written
// as strings) is stated in the
// top-level description. Thread-safe; throws only std::bad_alloc.
ENTITLE_EXPORT std::string facts_json_schema(const RuleSet& rules);

// The same as Markdown: a table of household facts and a table of member facts.
ENTITLE_EXPORT std::string facts_markdown(const RuleSet& rules);

}  // namespace entitle
