// The public binders: YAML through a load::Node tree, JSON read on demand; both go through
// FactsBuilder (builder.hpp), which holds the rules of binding.
#include <fmt/format.h>

#include "compile/program.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"
#include "facts/binder.hpp"
#include "facts/builder.hpp"
#include "facts/json_binder.hpp"

namespace entitle {

namespace facts {

bool bind_node(const RuleSet& rules, const load::Node& root, std::string_view source_name,
               Facts& out, Diagnostics& diagnostics) {
  FactsBuilder builder;
  builder.begin(rules.impl(), source_name, out, diagnostics);
  if (!root.is_map()) {
    builder.error(
        root.position, "", codes::kMalformedFacts,
        fmt::format("a household must be a mapping of facts, found {}", root.kind_name()));
    return false;
  }
  // Entries in input order, as every reader reports them. The YAML reader has rejected
  // duplicate keys.
  for (const auto& [key, value] : root.entries) {
    if (key.scalar != "members") {
      builder.household_field(key.scalar, key.position, InputValue::of(value));
    } else if (!value.is_sequence()) {
      builder.members_not_a_list(InputValue::of(value));
    } else if (builder.check_member_count(value.items.size(), value.position)) {
      for (const auto& member : value.items) {
        if (!builder.begin_member(InputValue::of(member))) continue;
        for (const auto& [member_key, member_value] : member.entries) {
          builder.member_field(member_key.scalar, member_key.position,
                               InputValue::of(member_value));
        }
        builder.end_member();
      }
    }
  }
  return builder.finish(root.position);
}

}  // namespace facts

using facts::bind_node;

namespace {

// Parses a YAML household into `root`; false with F001 diagnostics when it is not YAML we read.
bool parse_household_yaml(const RuleSet& rules, std::string_view text, std::string_view source_name,
                          load::Node& root, Diagnostics& diagnostics) {
  const Limits& limits = rules.limits();
  if (text.size() > limits.max_household_bytes) {
    Diagnostic d;
    d.code = std::string(codes::kFactLimit);
    d.file = std::string(source_name);
    d.message = facts::household_too_large(text.size(), limits);
    diagnostics.push_back(std::move(d));
    return false;
  }
  load::SourceFile file{std::string(source_name), std::string(text)};
  std::size_t before = diagnostics.size();
  root = load::parse_yaml(file, limits, diagnostics);
  if (diagnostics.size() == before) return true;
  // The YAML reader speaks in policy-file codes; a household's problems have their own.
  for (std::size_t i = before; i < diagnostics.size(); ++i) {
    bool limit = diagnostics[i].code == codes::kLimitExceeded;
    diagnostics[i].code = std::string(limit ? codes::kFactLimit : codes::kMalformedFacts);
  }
  return false;
}

facts::JsonBinder& thread_json_binder() {
  thread_local facts::JsonBinder binder;
  return binder;
}

}  // namespace

bool bind_yaml(const RuleSet& rules, std::string_view text, std::string_view source_name,
               Facts& facts, Diagnostics& diagnostics) {
  load::Node root;
  if (!parse_household_yaml(rules, text, source_name, root, diagnostics)) return false;
  return bind_node(rules, root, source_name, facts, diagnostics);
}

bool bind_json(const RuleSet& rules, std::string_view text, std::string_view source_name,
               Facts& facts, Diagnostics& diagnostics) {
  return thread_json_binder().bind(rules, text, 0, source_name, facts, diagnostics);
}

// Text that starts with '{' is JSON, or else a YAML flow mapping ({id: h1, members: [...]}):
// when it is not well-formed JSON it is read as YAML, and only if that fails too are the JSON
// errors reported (the text looked like JSON). Well-formed JSON is never re-read.
bool bind_household(const RuleSet& rules, std::string_view text, std::string_view source_name,
                    Facts& facts, Diagnostics& diagnostics) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') {
    return bind_yaml(rules, text, source_name, facts, diagnostics);
  }
  facts::JsonBinder& json = thread_json_binder();
  Diagnostics json_errors;
  if (json.bind(rules, text, 0, source_name, facts, json_errors)) return true;
  if (json.malformed()) {
    load::Node root;
    Diagnostics yaml_errors;
    if (parse_household_yaml(rules, text, source_name, root, yaml_errors)) {
      return bind_node(rules, root, source_name, facts, diagnostics);
    }
  }
  diagnostics.insert(diagnostics.end(), json_errors.begin(), json_errors.end());
  return false;
}

}  // namespace entitle
