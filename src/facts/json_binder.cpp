#include "facts/json_binder.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "facts/builder.hpp"
#include "util/text.hpp"

namespace entitle::facts {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

namespace {

namespace od = simdjson::ondemand;
using load::Node;

// A JSON problem: simdjson's error, or one of ours (`message` set).
struct JsonProblem {
  simdjson::error_code code = simdjson::SUCCESS;
  std::string message;
  bool limit = false;  // a limit was crossed (F006): the text may well be good JSON
  explicit operator bool() const { return code != simdjson::SUCCESS || !message.empty(); }
  std::string text() const { return message.empty() ? simdjson::error_message(code) : message; }
};

// number := '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?   (RFC 8259)
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

}  // namespace

struct JsonBinder::Impl {
  FactsBuilder builder;
  od::parser parser;
  std::vector<char> copy;  // padded copy of a household without readable padding
  JsonProblem problem;
  bool malformed = false;
  const Limits* limits = nullptr;

  bool fail(simdjson::error_code code) {
    problem.code = code;
    return false;
  }
  bool fail(std::string message) {
    problem.message = std::move(message);
    return false;
  }

  // Classifies `v`, a value `depth` levels down, reading a scalar's text (strings unescaped,
  // numbers as written). A list or mapping where a scalar belongs is walked through to check it
  // (grammar, duplicate keys, Limits::max_yaml_depth), since nothing else reads it.
  template <typename V>
  bool classify(V& v, InputValue& out, int depth, bool walk = true) {
    if (depth > limits->max_yaml_depth) {
      problem.limit = true;
      return fail(fmt::format("nesting deeper than {} levels (limit max_yaml_depth)",
                              limits->max_yaml_depth));
    }
    od::json_type type;
    if (auto e = v.type().get(type)) return fail(e);
    out = {};
    switch (type) {
      case od::json_type::object: {
        out.kind = InputValue::Kind::kMapping;
        if (!walk) return true;
        od::object object;
        if (auto e = v.get_object().get(object)) return fail(e);
        std::set<std::string, std::less<>> keys;
        for (auto field : object) {
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return fail(e);
          if (!keys.emplace(key).second) return fail(fmt::format("duplicate key '{}'", key));
          od::value child;
          if (auto e = field.value().get(child)) return fail(e);
          InputValue ignored;
          if (!classify(child, ignored, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        out.kind = InputValue::Kind::kList;
        if (!walk) return true;
        od::array array;
        if (auto e = v.get_array().get(array)) return fail(e);
        for (auto item : array) {
          od::value child;
          if (auto e = item.get(child)) return fail(e);
          InputValue ignored;
          if (!classify(child, ignored, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return fail(e);
        out.kind = InputValue::Kind::kScalar;
        out.scalar = {s, Node::Style::kJsonString};
        return true;
      }
      case od::json_type::number: {
        std::string_view raw = v.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                                raw.back() == '\t')) {
          raw.remove_suffix(1);
        }
        // simdjson checks a number's grammar only when asked for its value, and then only for
        // numbers a double or an integer holds (1e999 is "malformed"): any number JSON allows is
        // kept as text, and the binder decides what it may be.
        if (!is_json_number(raw)) return fail(fmt::format("malformed number '{}'", raw));
        out.kind = InputValue::Kind::kScalar;
        out.scalar = {raw, Node::Style::kJsonNumber};
        return true;
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return fail(e);
        out.kind = InputValue::Kind::kScalar;
        out.scalar = {b ? "true" : "false", Node::Style::kJsonBool};
        return true;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null)) return fail(e);
        if (!is_null) return fail("malformed literal: expected null");
        out.kind = InputValue::Kind::kNull;
        return true;
      }
    }
    return fail("unexpected JSON value");
  }

  bool member(od::value& element) {
    InputValue value;
    // A member is read field by field; a list in its place is walked to be checked.
    if (!classify(element, value, 2, false)) return false;
    if (value.kind == InputValue::Kind::kList && !classify(element, value, 2)) return false;
    if (!builder.begin_member(value)) return true;
    od::object object;
    if (auto e = element.get_object().get(object)) return fail(e);
    for (auto field : object) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return fail(e);
      od::value v;
      if (auto e = field.value().get(v)) return fail(e);
      InputValue iv;
      if (!classify(v, iv, 3)) return false;
      if (!builder.member_field(key, {}, iv)) return fail(fmt::format("duplicate key '{}'", key));
    }
    builder.end_member();
    return true;
  }

  bool members(od::value& v) {
    InputValue value;
    if (!classify(v, value, 1, false)) return false;
    if (value.kind == InputValue::Kind::kMapping && !classify(v, value, 1)) return false;
    if (value.kind != InputValue::Kind::kList) {
      builder.members_not_a_list(value);
      return true;
    }
    od::array array;
    if (auto e = v.get_array().get(array)) return fail(e);
    std::size_t count = 0;
    for (auto item : array) {
      od::value element;
      if (auto e = item.get(element)) return fail(e);
      ++count;
      // Past the limit the rest are only counted, for the message.
      if (builder.member_limit_reached()) continue;
      if (!member(element)) return false;
    }
    builder.check_member_count(count, {});
    return true;
  }

  bool household(od::document& doc) {
    od::object object;
    if (auto e = doc.get_object().get(object)) return fail(e);
    bool members_seen = false;
    for (auto field : object) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return fail(e);
      od::value v;
      if (auto e = field.value().get(v)) return fail(e);
      if (key == "members") {
        if (members_seen) return fail("duplicate key 'members'");
        members_seen = true;
        if (!members(v)) return false;
        continue;
      }
      InputValue value;
      if (!classify(v, value, 1)) return false;
      if (!builder.household_field(key, {}, value)) {
        return fail(fmt::format("duplicate key '{}'", key));
      }
    }
    // current_location() fails once the whole input is consumed; a location means leftovers.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS && rest) {
      return fail("unexpected text after the JSON object");
    }
    return true;
  }
};

JsonBinder::JsonBinder() : impl_(std::make_unique<Impl>()) {}
JsonBinder::~JsonBinder() = default;

bool JsonBinder::malformed() const noexcept {
  return impl_->malformed;
}

bool JsonBinder::bind(const RuleSet& rules, std::string_view text, std::size_t readable_after,
                      std::string_view source, Facts& facts, Diagnostics& diagnostics) {
  Impl& s = *impl_;
  const Limits& limits = rules.limits();
  std::size_t before = diagnostics.size();
  s.builder.begin(rules.impl(), source, facts, diagnostics);
  s.problem = {};
  s.limits = &limits;
  s.malformed = false;
  // A limit (F006) is not malformed JSON, so bind_household does not try it as YAML.
  auto malformed = [&](std::string message, const char* at, bool limit = false) {
    s.malformed = !limit;
    diagnostics.resize(before);  // a reading problem hides whatever binding found before it
    Diagnostic d;
    d.code = std::string(limit ? codes::kFactLimit : codes::kMalformedFacts);
    d.file = std::string(source);
    if (at && at >= text.data() && at <= text.data() + text.size()) {
      LineColumn place =
          position_after({}, text.substr(0, static_cast<std::size_t>(at - text.data())));
      d.line = place.line;
      d.column = place.column;
    }
    d.message = limit ? std::move(message) : fmt::format("malformed JSON: {}", message);
    diagnostics.push_back(std::move(d));
    return false;
  };
  if (text.size() > limits.max_household_bytes) {
    return malformed(household_too_large(text.size(), limits), nullptr, true);
  }
  const char* data = text.data();
  std::size_t capacity = text.size() + readable_after;
  if (readable_after < kJsonPadding) {
    s.copy.resize(text.size() + kJsonPadding);
    if (!text.empty()) std::memcpy(s.copy.data(), text.data(), text.size());
    std::memset(s.copy.data() + text.size(), ' ', kJsonPadding);
    data = s.copy.data();
    capacity = s.copy.size();
  }
  auto at = [&](const char* p) { return p ? text.data() + (p - data) : nullptr; };
  od::document doc;
  if (auto error = s.parser.iterate(data, text.size(), capacity).get(doc)) {
    if (auto bad = first_invalid_utf8(text)) return malformed("invalid UTF-8", text.data() + *bad);
    return malformed(simdjson::error_message(error), nullptr);
  }
  if (!s.household(doc)) {
    if (auto bad = first_invalid_utf8(text)) return malformed("invalid UTF-8", text.data() + *bad);
    const char* location = nullptr;
    if (doc.current_location().get(location) != simdjson::SUCCESS) location = nullptr;
    return malformed(s.problem.text(), at(location), s.problem.limit);
  }
  return s.builder.finish({});
}

}  // namespace entitle::facts
