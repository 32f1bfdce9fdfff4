// The phrases of explanations and timelines in Chinese and English. Patterns are fmt format
// strings with named arguments.
#pragma once

#include <string>
#include <string_view>

#include "compile/program.hpp"
#include "entitle/explain.hpp"

namespace entitle::explain {

struct Words {
  std::string_view lang;
  std::string_view header;                 // {household} {date} {name} {version}
  std::string_view household;              // the household as a recipient
  std::string_view granted;                // {who} {grant} {reasons}
  std::string_view granted_plain;          // {who} {reasons} (nothing to quantify)
  std::string_view not_granted;            // {who} {reasons}
  std::string_view undetermined;           // {who} {facts} {conditions}
  std::string_view needed_by;              // {conditions}
  std::string_view error;                  // {who} {error}
  std::string_view no_recipient;           // {filter}
  std::string_view not_yet;                // {date}
  std::string_view ended;                  // {date}
  std::string_view holds, fails, unknown;  // {text}
  std::string_view none_of;                // {items}
  std::string_view separator;              // between reasons
  std::string_view since;                  // before a parameter's effective date
  std::string_view when;                   // {sentences}
  std::string_view turns;                  // {who} {years} {date}
  std::string_view months;                 // {count} {field} {who} {date}
  std::string_view parameter;              // {name} {value} {date}
  std::string_view parameter_ends;         // {name} {date}
  std::string_view rule_starts;            // {rule} {date}
  std::string_view rule_ends;              // {rule} {date} (the last day)
  std::string_view date_reached;           // {date}
  std::string_view and_word;
  std::string_view then_holds;       // {text}
  std::string_view qualifies;        // {who} {rule}
  std::string_view qualifies_later;  // {who} {rule} {date}
  std::string_view not_enough;       // {rule}
  std::string_view qualifies_from;   // {date} {causes} {who} {rule}
  std::string_view timeline_header;  // {household} {from} {to} {count}
  std::string_view period;           // {from} {to}
  std::string_view nothing;
  std::string_view causes_intro;  // {causes}
  std::string_view undetermined_mark;
};

const Words& words(std::string_view lang);

// "mother turns 60 on 2015-03-03", "elderly_age becomes 65 on 2020-01-01", …
std::string cause_text(const RuleSet& rules, const Facts& facts, const ChangeCause& cause,
                       Date date, const Words& w);

// "household" or the member's id.
std::string recipient_text(const Facts& facts, std::int32_t member, const Words& w);

// "rule_id (title)" in the language of `w`.
std::string rule_text(const RuleSet& rules, std::uint32_t rule, const Words& w);

}  // namespace entitle::explain
