// The rules of binding one household to a rule set's schema, shared by every reader of facts:
// YAML and JSON trees (bind_node), JSON read on demand (json_binder.hpp) and CSV rows
// (csv_binder.hpp). A reader walks its input once and reports each entry here in input order; the
// builder looks fields up, converts scalars by the schema's type, applies defaults, checks
// required facts, member ids and limits, and words every error, so that a household means the
// same, and is rejected with the same messages, whatever it was written in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compile/program.hpp"
#include "entitle/facts.hpp"
#include "load/document.hpp"
#include "load/scalar.hpp"

namespace entitle::facts {

// One value of the input as a reader sees it.
struct InputValue {
  enum class Kind : std::uint8_t { kNull, kScalar, kList, kMapping };
  Kind kind = Kind::kNull;
  load::ScalarText scalar;  // kScalar only
  load::Position at;        // where the value is written; {0, 0} when the reader cannot tell

  static InputValue of(const load::Node& node);
};

// Reusable: one per thread, begin() for each household, of any rule set. Allocates nothing in
// steady state unless the household has errors (messages) or string facts longer than the
// small-string buffer.
class FactsBuilder {
 public:
  // Starts a household of `impl`'s schema read from `source` (named in diagnostics), binding into
  // `facts` and appending problems to `diagnostics`; all must outlive the household's calls.
  void begin(const RuleSet::Impl& impl, std::string_view source, Facts& facts,
             Diagnostics& diagnostics);

  // A top-level entry other than `members`: the id, as_of, or a household fact. Returns false,
  // reporting nothing, when the key was already given: the reader words that in its own terms.
  bool household_field(std::string_view key, load::Position key_at, const InputValue& value);

  // The value of `members` when it is not a list (null means no members).
  void members_not_a_list(const InputValue& value);
  // Whether `count` members are within Limits::max_members; reports the problem when not. A
  // reader that knows the count calls it first; a streaming reader binds members while
  // member_limit_reached() is false, counts the rest, and calls it at the end.
  bool check_member_count(std::size_t count, load::Position at);
  bool member_limit_reached() const noexcept;

  // Each element of `members`, in order: begin_member (false when it is not a mapping: reported,
  // and no member_field or end_member follows), its entries, end_member.
  bool begin_member(const InputValue& element);
  bool member_field(std::string_view key, load::Position key_at, const InputValue& value);
  void end_member();

  // Applies the household's defaults and checks its required facts and id; `at` is where the
  // household starts. Returns true when the household had no error (facts may then be used).
  bool finish(load::Position at);

  // A problem at `at`; `path` names the field ("members[1].birth_date"), possibly empty.
  void error(load::Position at, std::string path, std::string_view code, std::string message);

 private:
  int lookup(const std::vector<compile::FieldInfo>& fields, std::string_view name,
             std::size_t& hint) const noexcept;
  void read_value(const InputValue& value, const compile::FieldInfo& field, Value& out, int member,
                  std::string_view key);
  bool read_id(const InputValue& value, std::string_view& id, int member);
  void unknown_field(std::string_view key, load::Position at, int member);
  void finish_entity(const std::vector<compile::FieldInfo>& fields,
                     const std::vector<std::uint32_t>& required,
                     const std::vector<std::uint8_t>& seen, int member, load::Position at);
  // What household_seen_ and member_seen_ hold for each slot.
  static constexpr std::uint8_t kAbsent = 0, kNull = 1, kValue = 2;
  static std::uint8_t written(const InputValue& value) {
    return value.kind == InputValue::Kind::kNull ? kNull : kValue;
  }
  std::string path(int member, std::string_view key) const;
  static std::string describe(const InputValue& value);

  const RuleSet::Impl* impl_ = nullptr;
  std::string_view source_;
  Facts* facts_ = nullptr;
  Diagnostics* diagnostics_ = nullptr;
  std::vector<std::uint8_t> household_seen_, member_seen_;
  std::size_t household_hint_ = 0, member_hint_ = 0;
  std::size_t diagnostics_before_ = 0;
  bool has_id_ = false, as_of_seen_ = false;
  int member_ = -1;                  // the member being read (index in facts)
  std::size_t member_element_ = 0;   // ... and its index in the input's members list
  std::size_t member_elements_ = 0;  // elements of members seen so far
  load::Position member_at_;
};

// The message of a household text larger than Limits::max_household_bytes (code F006), which
// every reader refuses before parsing it.
std::string household_too_large(std::size_t bytes, const Limits& limits);

}  // namespace entitle::facts
