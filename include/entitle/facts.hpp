// Facts: one household's input, bound to a rule set's schema (typed values in slots).
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/diagnostic.hpp"
#include "entitle/export.h"
#include "entitle/value.hpp"

namespace entitle {

class RuleSet;

// Reusable: binding into the same Facts again keeps its buffers, so a loop over many
// households allocates nothing in steady state. Not thread-safe; one per thread.
class ENTITLE_EXPORT Facts {
 public:
  std::string_view household_id() const noexcept { return household_id_; }
  std::optional<Date> as_of() const noexcept { return as_of_; }
  std::size_t member_count() const noexcept { return member_count_; }
  std::string_view member_id(std::size_t member) const noexcept { return member_ids_[member]; }

  // Slots follow the schema's order (RuleSet::impl().household_fields / member_fields).
  const Value& household(std::size_t slot) const noexcept { return household_[slot]; }
  const Value& member(std::size_t member, std::size_t slot) const noexcept {
    return members_[member * member_slots_ + slot];
  }

  // Used by the binders. Ids and strings are copied into storage that the next reset() reuses.
  void reset(std::size_t household_slots, std::size_t member_slots);
  std::size_t add_member(std::string_view id);
  void set_member_id(std::size_t member, std::string_view id) { member_ids_[member] = id; }
  Value& household_slot(std::size_t slot) { return household_[slot]; }
  Value& member_slot(std::size_t member, std::size_t slot) {
    return members_[member * member_slots_ + slot];
  }
  void set_household_id(std::string_view id) { household_id_ = id; }
  void set_as_of(std::optional<Date> date) { as_of_ = date; }
  std::string_view keep_string(std::string_view text);  // storage for string facts
  void finish_ids();  // points the built-in `id` slots at the stored ids

 private:
  std::string household_id_;
  std::optional<Date> as_of_;
  std::vector<std::string> member_ids_;  // the first member_count_ are in use
  std::size_t member_count_ = 0;
  std::vector<Value> household_;
  std::vector<Value> members_;
  std::size_t member_slots_ = 0;
  std::deque<std::string> strings_;
  std::size_t strings_used_ = 0;
};

// Binds one household written in YAML or JSON (the same shape; docs/policy-format.md).
// `source_name` names the input in diagnostics. On error, returns false and appends a
// diagnostic per problem, each naming the field path; `facts` must then not be used.
ENTITLE_EXPORT bool bind_yaml(const RuleSet& rules, std::string_view text,
                              std::string_view source_name, Facts& facts, Diagnostics& diagnostics);
ENTITLE_EXPORT bool bind_json(const RuleSet& rules, std::string_view text,
                              std::string_view source_name, Facts& facts, Diagnostics& diagnostics);
// Chooses by the first non-blank character: '{' is JSON, anything else YAML. Text starting
// with '{' that is not JSON is read as a YAML flow mapping; if it is neither, the JSON errors
// are reported.
ENTITLE_EXPORT bool bind_household(const RuleSet& rules, std::string_view text,
                                   std::string_view source_name, Facts& facts,
                                   Diagnostics& diagnostics);

}  // namespace entitle
