// Binds a household (a load::Node tree from YAML or JSON) to the rule set's schema.
#include <fmt/format.h>

#include "compile/program.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"
#include "facts/binder.hpp"
#include "facts/json_reader.hpp"
#include "load/scalar.hpp"
#include "util/text.hpp"

namespace entitle {
namespace {

using compile::FieldInfo;
using load::Node;

class Binder {
 public:
  Binder(const RuleSet::Impl& impl, std::string_view source, Facts& facts, Diagnostics& diagnostics)
      : impl_(impl), source_(source), facts_(facts), diagnostics_(diagnostics) {}

  bool bind(const Node& root) {
    facts_.reset(impl_.household_fields.size(), impl_.member_fields.size());
    if (!root.is_map()) {
      error(root, "", codes::kMalformedFacts,
            fmt::format("a household must be a mapping of facts, found {}", root.kind_name()));
      return false;
    }
    std::vector<bool> seen(impl_.household_fields.size(), false);
    const Node* members = nullptr;
    for (const auto& [key, value] : root.entries) {
      const std::string& name = key.scalar;
      if (name == "members") {
        members = &value;
        continue;
      }
      if (name == "as_of") {
        if (value.is_null()) continue;
        auto d = value.is_scalar() && value.style != Node::Style::kJsonNumber
                     ? Date::parse(value.scalar)
                     : std::nullopt;
        if (!d) {
          error(value, "as_of", codes::kFactType,
                fmt::format("expected a date YYYY-MM-DD between {} and {}, found {}",
                            Date::kMinYear, Date::kMaxYear, describe(value)));
        } else {
          facts_.set_as_of(*d);
        }
        continue;
      }
      int slot = impl_.find_household_field(name);
      if (slot < 0) {
        unknown_field(key, name, impl_.household_fields, impl_.member_fields, "household",
                      "; it is a member fact: put it under members");
        continue;
      }
      seen[slot] = true;
      if (slot == 0) {
        if (auto id = read_id(value, name)) facts_.set_household_id(*id);
        continue;
      }
      read_value(value, impl_.household_fields[slot], name, facts_.household_slot(slot));
    }
    if (!seen[0]) {
      error(root, "id", codes::kMissingFact, "the household needs an 'id' (a string)");
    }
    finish_defaults(
        impl_.household_fields, seen, "",
        [&](std::size_t slot) -> Value& { return facts_.household_slot(slot); }, root);
    if (members) bind_members(*members);
    if (!has_errors(diagnostics_)) facts_.finish_ids();
    return !has_errors(diagnostics_);
  }

 private:
  void bind_members(const Node& members) {
    if (members.is_null()) return;
    if (!members.is_sequence()) {
      error(members, "members", codes::kFactType,
            fmt::format("expected a list of members, found {}", members.kind_name()));
      return;
    }
    if (members.items.size() > impl_.limits.max_members) {
      error(members, "members", codes::kFactLimit,
            fmt::format("{} members is more than the limit of {} (max_members)",
                        members.items.size(), impl_.limits.max_members));
      return;
    }
    std::vector<bool> seen(impl_.member_fields.size());
    for (std::size_t i = 0; i < members.items.size(); ++i) {
      const Node& member = members.items[i];
      std::string path = fmt::format("members[{}]", i);
      if (!member.is_map()) {
        error(member, path, codes::kFactType,
              fmt::format("expected a member (a mapping of facts), found {}", member.kind_name()));
        continue;
      }
      std::string id;
      if (const Node* id_node = member.find("id")) {
        if (auto read = read_id(*id_node, path + ".id")) id = *read;
      } else {
        error(member, path + ".id", codes::kMissingFact, "every member needs an 'id' (a string)");
      }
      for (std::size_t m = 0; m < facts_.member_count(); ++m) {
        if (!id.empty() && facts_.member_id(m) == id) {
          error(member, path + ".id", codes::kDuplicateMember,
                fmt::format("member id '{}' is used twice in this household", id));
        }
      }
      std::size_t index = facts_.add_member(id);
      std::fill(seen.begin(), seen.end(), false);
      seen[0] = true;
      for (const auto& [key, value] : member.entries) {
        if (key.scalar == "id") continue;
        int slot = impl_.find_member_field(key.scalar);
        std::string field_path = fmt::format("{}.{}", path, key.scalar);
        if (slot < 0) {
          unknown_field(key, field_path, impl_.member_fields, impl_.household_fields, "member",
                        "; it is a household fact: put it at the top level");
          continue;
        }
        seen[slot] = true;
        read_value(value, impl_.member_fields[slot], field_path, facts_.member_slot(index, slot));
      }
      finish_defaults(
          impl_.member_fields, seen, path + ".",
          [&](std::size_t slot) -> Value& { return facts_.member_slot(index, slot); }, member);
    }
  }

  template <typename SlotOf>
  void finish_defaults(const std::vector<FieldInfo>& fields, const std::vector<bool>& seen,
                       const std::string& prefix, SlotOf slot_of, const Node& at) {
    for (std::size_t slot = 1; slot < fields.size(); ++slot) {
      if (seen[slot] && !slot_of(slot).is_unknown()) continue;
      const FieldInfo& f = fields[slot];
      if (f.default_value && !seen[slot]) {
        slot_of(slot) = *f.default_value;
      } else if (f.required && slot_of(slot).is_unknown()) {
        error(at, prefix + f.name, codes::kMissingFact,
              fmt::format("required fact '{}' ({}) is missing", f.name,
                          load::fact_type_name(f.type)));
      }
    }
  }

  void unknown_field(const Node& key, const std::string& path, const std::vector<FieldInfo>& fields,
                     const std::vector<FieldInfo>& other, std::string_view entity,
                     std::string_view other_hint) {
    std::vector<std::string> names;
    for (const auto& f : fields)
      names.push_back(f.name);
    if (entity == "household") {
      names.push_back("members");
      names.push_back("as_of");
    }
    std::string message = fmt::format("unknown {} fact '{}'", entity, key.scalar);
    bool in_other = false;
    for (const auto& f : other)
      in_other = in_other || (f.name == key.scalar && !f.builtin);
    if (in_other) {
      message += other_hint;
    } else if (auto hint = closest_name(key.scalar, names)) {
      message += fmt::format("; did you mean '{}'?", *hint);
    }
    error(key, path, codes::kUnknownFact, std::move(message));
  }

  std::optional<std::string> read_id(const Node& value, const std::string& path) {
    if (!value.is_scalar() || value.style == Node::Style::kJsonBool || value.scalar.empty()) {
      error(value, path, codes::kFactType,
            fmt::format("expected a non-empty string id, found {}", describe(value)));
      return std::nullopt;
    }
    return value.scalar;
  }

  void read_value(const Node& value, const FieldInfo& field, const std::string& path, Value& out) {
    if (value.is_null()) return;  // written as null: unknown, like an absent fact
    if (field.type == load::FactType::kString) {
      if (!value.is_scalar() || value.style == Node::Style::kJsonBool ||
          value.style == Node::Style::kJsonNumber) {
        error(value, path, codes::kFactType,
              fmt::format("expected a string, found {}", describe(value)));
        return;
      }
      out = Value::string(facts_.keep_string(value.scalar));
      return;
    }
    load::ScalarProblem problem;
    auto v = load::read_scalar(value, field.type, field.values, problem);
    if (!v) {
      error(value, path, problem.out_of_range ? codes::kFactLimit : codes::kFactType,
            fmt::format("expected {}, found {}", problem.expected, describe(value)));
      return;
    }
    if (v->kind == ValueKind::kNumber) {
      Decimal d = v->as_number();
      if ((field.min && d < *field.min) || (field.max && d > *field.max)) {
        error(value, path, codes::kFactType,
              fmt::format("{} is out of range: expected a value from {} to {}", value.scalar,
                          field.min ? field.min->to_string() : "-∞",
                          field.max ? field.max->to_string() : "∞"));
        return;
      }
    }
    out = *v;
  }

  static std::string describe(const Node& value) {
    if (!value.is_scalar()) return std::string(value.kind_name());
    std::string shown = value.scalar.size() > 40 ? value.scalar.substr(0, 40) + "…" : value.scalar;
    if (value.style == Node::Style::kQuoted || value.style == Node::Style::kJsonString) {
      return fmt::format("\"{}\"", shown);
    }
    return fmt::format("'{}'", shown);
  }

  void error(const Node& at, std::string path, std::string_view code, std::string message) {
    Diagnostic d;
    d.code = std::string(code);
    d.file = std::string(source_);
    d.line = at.position.line;
    d.column = at.position.column;
    d.path = std::move(path);
    d.message = std::move(message);
    diagnostics_.push_back(std::move(d));
  }

  const RuleSet::Impl& impl_;
  std::string_view source_;
  Facts& facts_;
  Diagnostics& diagnostics_;
};

}  // namespace

namespace facts {

bool bind_node(const RuleSet& rules, const load::Node& root, std::string_view source_name,
               Facts& out, Diagnostics& diagnostics) {
  Diagnostics found;
  Binder binder(rules.impl(), source_name, out, found);
  bool ok = binder.bind(root);
  diagnostics.insert(diagnostics.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
  return ok;
}

}  // namespace facts

using facts::bind_node;

// Checked before parsing, which costs memory in proportion to the text.
static bool within_size_limit(const Limits& limits, std::string_view text,
                              std::string_view source_name, Diagnostics& diagnostics) {
  if (text.size() <= limits.max_household_bytes) return true;
  Diagnostic d;
  d.code = std::string(codes::kFactLimit);
  d.file = std::string(source_name);
  d.message = fmt::format(
      "the household is {} bytes, more than the limit of {} "
      "(max_household_bytes)",
      text.size(), limits.max_household_bytes);
  diagnostics.push_back(std::move(d));
  return false;
}

bool bind_yaml(const RuleSet& rules, std::string_view text, std::string_view source_name,
               Facts& facts, Diagnostics& diagnostics) {
  const Limits& limits = rules.limits();
  if (!within_size_limit(limits, text, source_name, diagnostics)) return false;
  load::SourceFile file{std::string(source_name), std::string(text)};
  std::size_t before = diagnostics.size();
  load::Node root = load::parse_yaml(file, limits, diagnostics);
  if (diagnostics.size() != before) {
    // The YAML reader speaks in policy-file codes; a household's problems have their own.
    for (std::size_t i = before; i < diagnostics.size(); ++i) {
      bool limit = diagnostics[i].code == codes::kLimitExceeded;
      diagnostics[i].code = std::string(limit ? codes::kFactLimit : codes::kMalformedFacts);
    }
    return false;
  }
  return bind_node(rules, root, source_name, facts, diagnostics);
}

bool bind_json(const RuleSet& rules, std::string_view text, std::string_view source_name,
               Facts& facts, Diagnostics& diagnostics) {
  load::Node root;
  if (!within_size_limit(rules.limits(), text, source_name, diagnostics)) return false;
  if (!facts::parse_json(text, source_name, rules.limits(), root, diagnostics)) return false;
  return bind_node(rules, root, source_name, facts, diagnostics);
}

bool bind_household(const RuleSet& rules, std::string_view text, std::string_view source_name,
                    Facts& facts, Diagnostics& diagnostics) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    return bind_json(rules, text, source_name, facts, diagnostics);
  }
  return bind_yaml(rules, text, source_name, facts, diagnostics);
}

}  // namespace entitle
