#include "facts/builder.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.hpp"

namespace entitle::facts {

using compile::FieldInfo;
using load::Node;
using load::Position;

InputValue InputValue::of(const Node& node) {
  InputValue v;
  v.at = node.position;
  switch (node.kind) {
    case Node::Kind::kNull:
      v.kind = Kind::kNull;
      break;
    case Node::Kind::kScalar:
      v.kind = Kind::kScalar;
      v.scalar = {node.scalar, node.style};
      break;
    case Node::Kind::kSequence:
      v.kind = Kind::kList;
      break;
    case Node::Kind::kMap:
      v.kind = Kind::kMapping;
      break;
  }
  return v;
}

namespace {

std::string_view kind_name(const InputValue& value) {
  switch (value.kind) {
    case InputValue::Kind::kNull:
      return "nothing";
    case InputValue::Kind::kScalar:
      return "a scalar";
    case InputValue::Kind::kList:
      return "a list";
    case InputValue::Kind::kMapping:
      return "a mapping";
  }
  return "?";
}

bool is_textual(const InputValue& value) {
  return value.kind == InputValue::Kind::kScalar && value.scalar.style != Node::Style::kJsonBool &&
         value.scalar.style != Node::Style::kJsonNumber;
}

}  // namespace

void FactsBuilder::begin(const RuleSet::Impl& impl, std::string_view source, Facts& facts,
                         Diagnostics& diagnostics) {
  impl_ = &impl;
  source_ = source;
  facts_ = &facts;
  diagnostics_ = &diagnostics;
  diagnostics_before_ = diagnostics.size();
  facts.reset(impl_->household_fields.size(), impl_->member_fields.size());
  for (std::size_t slot = 0; slot < impl_->household_defaults.size(); ++slot)
    facts.household_slot(slot) = impl_->household_defaults[slot];
  household_seen_.assign(impl_->household_fields.size(), 0);
  member_seen_.resize(impl_->member_fields.size());
  household_hint_ = 0;
  member_hint_ = 0;
  has_id_ = false;
  as_of_seen_ = false;
  member_ = -1;
  member_elements_ = 0;
}

int FactsBuilder::lookup(const std::vector<FieldInfo>& fields, std::string_view name,
                         std::size_t& hint) const noexcept {
  // Fields mostly come in the schema's order: try the one after the last match first.
  std::size_t n = fields.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = hint + k < n ? hint + k : hint + k - n;
    if (fields[i].name == name) {
      hint = i + 1 < n ? i + 1 : 0;
      return static_cast<int>(i);
    }
  }
  return -1;
}

bool FactsBuilder::household_field(std::string_view key, Position key_at, const InputValue& value) {
  if (key == "as_of") {
    if (as_of_seen_) return false;
    as_of_seen_ = true;
    if (value.kind == InputValue::Kind::kNull) return true;
    std::optional<Date> d;
    if (value.kind == InputValue::Kind::kScalar && value.scalar.style != Node::Style::kJsonNumber) {
      d = Date::parse(value.scalar.text);
    }
    if (!d) {
      error(value.at, "as_of", codes::kFactType,
            fmt::format("expected a date YYYY-MM-DD between {} and {}, found {}", Date::kMinYear,
                        Date::kMaxYear, describe(value)));
    } else {
      facts_->set_as_of(*d);
    }
    return true;
  }
  int slot = lookup(impl_->household_fields, key, household_hint_);
  if (slot < 0) {
    unknown_field(key, key_at, -1);
    return true;
  }
  if (household_seen_[slot] != kAbsent) return false;
  household_seen_[slot] = written(value);
  if (slot == 0) {
    std::string_view id;
    if (read_id(value, id, -1)) {
      facts_->set_household_id(id);
      has_id_ = true;
    }
    return true;
  }
  read_value(value, impl_->household_fields[slot], facts_->household_slot(slot), -1, key);
  return true;
}

void FactsBuilder::members_not_a_list(const InputValue& value) {
  if (value.kind == InputValue::Kind::kNull) return;
  error(value.at, "members", codes::kFactType,
        fmt::format("expected a list of members, found {}", kind_name(value)));
}

bool FactsBuilder::member_limit_reached() const noexcept {
  return member_elements_ >= impl_->limits.max_members;
}

std::string household_too_large(std::size_t bytes, const Limits& limits) {
  return fmt::format("the household is {} bytes, more than the limit of {} (max_household_bytes)",
                     bytes, limits.max_household_bytes);
}

bool FactsBuilder::check_member_count(std::size_t count, Position at) {
  if (count <= impl_->limits.max_members) return true;
  error(at, "members", codes::kFactLimit,
        fmt::format("{} members is more than the limit of {} (max_members)", count,
                    impl_->limits.max_members));
  return false;
}

bool FactsBuilder::begin_member(const InputValue& element) {
  std::size_t element_index = member_elements_++;
  if (element.kind != InputValue::Kind::kMapping) {
    error(element.at, fmt::format("members[{}]", element_index), codes::kFactType,
          fmt::format("expected a member (a mapping of facts), found {}", kind_name(element)));
    return false;
  }
  member_ = static_cast<int>(facts_->add_member(std::string_view()));
  for (std::size_t slot = 0; slot < impl_->member_defaults.size(); ++slot)
    facts_->member_slot(member_, slot) = impl_->member_defaults[slot];
  member_element_ = element_index;
  member_at_ = element.at;
  std::fill(member_seen_.begin(), member_seen_.end(), 0);
  member_hint_ = 0;
  return true;
}

bool FactsBuilder::member_field(std::string_view key, Position key_at, const InputValue& value) {
  int slot = lookup(impl_->member_fields, key, member_hint_);
  if (slot < 0) {
    unknown_field(key, key_at, member_);
    return true;
  }
  if (member_seen_[slot] != kAbsent) return false;
  member_seen_[slot] = written(value);
  if (slot == 0) {
    std::string_view id;
    if (read_id(value, id, member_)) {
      facts_->set_member_id(member_, id);
      for (int m = 0; m < member_; ++m) {
        if (facts_->member_id(m) == id) {
          error(member_at_, path(member_, "id"), codes::kDuplicateMember,
                fmt::format("member id '{}' is used twice in this household", id));
          break;
        }
      }
    }
    return true;
  }
  read_value(value, impl_->member_fields[slot], facts_->member_slot(member_, slot), member_, key);
  return true;
}

void FactsBuilder::end_member() {
  if (member_seen_[0] == kAbsent) {
    error(member_at_, path(member_, "id"), codes::kMissingFact,
          "every member needs an 'id' (a string)");
  }
  finish_entity(impl_->member_fields, impl_->member_required, member_seen_, member_, member_at_);
}

bool FactsBuilder::finish(Position at) {
  if (household_seen_[0] == kAbsent) {
    error(at, "id", codes::kMissingFact, "the household needs an 'id' (a string)");
  }
  finish_entity(impl_->household_fields, impl_->household_required, household_seen_, -1, at);
  bool ok = true;
  for (std::size_t i = diagnostics_before_; i < diagnostics_->size(); ++i) {
    ok = ok && (*diagnostics_)[i].severity != Severity::kError;
  }
  if (ok) facts_->finish_ids();
  return ok;
}

// Slots start at their defaults (begin, begin_member); what is left is F004 for required facts
// that are absent or null (a value that was rejected has its own error already).
void FactsBuilder::finish_entity(const std::vector<FieldInfo>& fields,
                                 const std::vector<std::uint32_t>& required,
                                 const std::vector<std::uint8_t>& seen, int member, Position at) {
  for (std::uint32_t slot : required) {
    Value& value = member < 0 ? facts_->household_slot(slot) : facts_->member_slot(member, slot);
    if (seen[slot] == kValue || !value.is_unknown()) continue;
    const FieldInfo& f = fields[slot];
    error(at, path(member, f.name), codes::kMissingFact,
          fmt::format("required fact '{}' ({}) is missing", f.name, load::fact_type_name(f.type)));
  }
}

void FactsBuilder::read_value(const InputValue& value, const FieldInfo& field, Value& out,
                              int member, std::string_view key) {
  if (value.kind == InputValue::Kind::kNull) {
    out = Value::unknown();  // written as null: unknown, even where absent means a default
    return;
  }
  if (field.type == load::FactType::kString) {
    if (!is_textual(value)) {
      error(value.at, path(member, key), codes::kFactType,
            fmt::format("expected a string, found {}", describe(value)));
      return;
    }
    out = Value::string(facts_->keep_string(value.scalar.text));
    return;
  }
  std::optional<Value> v;
  if (value.kind == InputValue::Kind::kScalar) {
    v = load::read_scalar(value.scalar, field.type, field.values);
  }
  if (!v) {
    load::ScalarProblem problem =
        value.kind == InputValue::Kind::kScalar
            ? load::scalar_problem(value.scalar, field.type, field.values)
            : load::ScalarProblem{load::expected_text(field.type, field.values), false};
    error(value.at, path(member, key), problem.out_of_range ? codes::kFactLimit : codes::kFactType,
          fmt::format("expected {}, found {}", problem.expected, describe(value)));
    return;
  }
  if (v->kind == ValueKind::kNumber) {
    Decimal d = v->as_number();
    if ((field.min && d < *field.min) || (field.max && d > *field.max)) {
      error(value.at, path(member, key), codes::kFactType,
            fmt::format("{} is out of range: expected a value from {} to {}", value.scalar.text,
                        field.min ? field.min->to_string() : "-∞",
                        field.max ? field.max->to_string() : "∞"));
      return;
    }
  }
  out = *v;
}

bool FactsBuilder::read_id(const InputValue& value, std::string_view& id, int member) {
  if (value.kind != InputValue::Kind::kScalar || value.scalar.style == Node::Style::kJsonBool ||
      value.scalar.text.empty()) {
    error(value.at, path(member, "id"), codes::kFactType,
          fmt::format("expected a non-empty string id, found {}", describe(value)));
    return false;
  }
  id = value.scalar.text;
  return true;
}

void FactsBuilder::unknown_field(std::string_view key, Position at, int member) {
  bool household = member < 0;
  const auto& fields = household ? impl_->household_fields : impl_->member_fields;
  const auto& other = household ? impl_->member_fields : impl_->household_fields;
  std::vector<std::string> names;
  for (const auto& f : fields)
    names.push_back(f.name);
  if (household) {
    names.push_back("members");
    names.push_back("as_of");
  }
  std::string message =
      fmt::format("unknown {} fact '{}'", household ? "household" : "member", key);
  bool in_other = false;
  for (const auto& f : other)
    in_other = in_other || (f.name == key && !f.builtin);
  if (in_other) {
    message += household ? "; it is a member fact: put it under members"
                         : "; it is a household fact: put it at the top level";
  } else if (auto hint = closest_name(key, names)) {
    message += fmt::format("; did you mean '{}'?", *hint);
  }
  error(at, path(member, key), codes::kUnknownFact, std::move(message));
}

std::string FactsBuilder::path(int member, std::string_view key) const {
  if (member < 0) return std::string(key);
  return fmt::format("members[{}].{}", member_element_, key);
}

std::string FactsBuilder::describe(const InputValue& value) {
  if (value.kind != InputValue::Kind::kScalar) return std::string(kind_name(value));
  std::string_view text = value.scalar.text;
  std::string shown(text.substr(0, 40));
  if (text.size() > 40) shown += "…";
  if (value.scalar.style == Node::Style::kQuoted ||
      value.scalar.style == Node::Style::kJsonString) {
    return fmt::format("\"{}\"", shown);
  }
  return fmt::format("'{}'", shown);
}

void FactsBuilder::error(Position at, std::string path, std::string_view code,
                         std::string message) {
  Diagnostic d;
  d.code = std::string(code);
  d.file = std::string(source_);
  d.line = at.line;
  d.column = at.column;
  d.path = std::move(path);
  d.message = std::move(message);
  diagnostics_->push_back(std::move(d));
}

}  // namespace entitle::facts
