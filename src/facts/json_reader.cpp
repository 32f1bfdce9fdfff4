#include "facts/json_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <set>

#include "util/text.hpp"

namespace entitle::facts {
namespace {

namespace od = simdjson::ondemand;

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

struct JsonError {
  std::string message;
  std::string_view code = codes::kMalformedFacts;
};

class Converter {
 public:
  Converter(const Limits& limits) : limits_(limits) {}

  template <typename V>
  void value(V&& v, load::Node& out, int depth) {
    if (depth > limits_.max_yaml_depth) {
      throw JsonError{fmt::format("nesting deeper than {} levels (limit max_yaml_depth)",
                                  limits_.max_yaml_depth),
                      codes::kFactLimit};
    }
    od::json_type type;
    check(v.type().get(type));
    switch (type) {
      case od::json_type::object: {
        out.kind = load::Node::Kind::kMap;
        od::object object;
        check(v.get_object().get(object));
        std::set<std::string, std::less<>> keys;
        for (auto field : object) {
          std::string_view key;
          check(field.unescaped_key().get(key));
          if (!keys.emplace(key).second) throw JsonError{fmt::format("duplicate key '{}'", key)};
          load::Node k;
          k.kind = load::Node::Kind::kScalar;
          k.style = load::Node::Style::kJsonString;
          k.scalar = std::string(key);
          load::Node child;
          od::value field_value;
          check(field.value().get(field_value));
          value(field_value, child, depth + 1);
          out.entries.emplace_back(std::move(k), std::move(child));
        }
        break;
      }
      case od::json_type::array: {
        out.kind = load::Node::Kind::kSequence;
        od::array array;
        check(v.get_array().get(array));
        for (auto item : array) {
          od::value item_value;
          check(item.get(item_value));
          load::Node child;
          value(item_value, child, depth + 1);
          out.items.push_back(std::move(child));
        }
        break;
      }
      case od::json_type::string: {
        std::string_view s;
        check(v.get_string().get(s));
        out.kind = load::Node::Kind::kScalar;
        out.style = load::Node::Style::kJsonString;
        out.scalar = std::string(s);
        break;
      }
      case od::json_type::number: {
        std::string_view raw = v.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                                raw.back() == '\t')) {
          raw.remove_suffix(1);
        }
        // simdjson checks numbers lazily, and only those a double or an integer can hold; any
        // number JSON allows is kept as text, and the binder decides what it may be.
        if (!is_json_number(raw)) throw JsonError{fmt::format("malformed number '{}'", raw)};
        out.kind = load::Node::Kind::kScalar;
        out.style = load::Node::Style::kJsonNumber;
        out.scalar = std::string(raw);
        break;
      }
      case od::json_type::boolean: {
        bool b;
        check(v.get_bool().get(b));
        out.kind = load::Node::Kind::kScalar;
        out.style = load::Node::Style::kJsonBool;
        out.scalar = b ? "true" : "false";
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        check(v.is_null().get(is_null));
        if (!is_null) throw JsonError{"malformed literal: expected null"};
        out.kind = load::Node::Kind::kNull;
        break;
      }
      default:
        throw JsonError{"unexpected JSON value"};
    }
  }

  static void check(simdjson::error_code error) {
    if (error != simdjson::SUCCESS) throw JsonError{simdjson::error_message(error)};
  }

 private:
  const Limits& limits_;
};

}  // namespace

bool parse_json(std::string_view text, std::string_view source_name, const Limits& limits,
                load::Node& out, Diagnostics& diagnostics) {
  auto fail = [&](std::string message, std::size_t offset, bool has_offset,
                  std::string_view code = codes::kMalformedFacts) {
    Diagnostic d;
    d.code = std::string(code);
    d.file = std::string(source_name);
    if (has_offset) {
      d.line = 1;
      d.column = 1;
      for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++d.line;
          d.column = 1;
        } else {
          ++d.column;
        }
      }
    }
    d.message = code == codes::kMalformedFacts ? fmt::format("malformed JSON: {}", message)
                                               : std::move(message);
    diagnostics.push_back(std::move(d));
    return false;
  };
  if (auto bad = first_invalid_utf8(text)) return fail("invalid UTF-8", *bad, true);
  thread_local od::parser parser;
  simdjson::padded_string padded(text);
  od::document doc;
  if (auto error = parser.iterate(padded).get(doc)) {
    return fail(simdjson::error_message(error), 0, false);
  }
  Converter converter(limits);
  try {
    // A scalar document cannot be a value in simdjson; a household is an object anyway.
    od::object object;
    Converter::check(doc.get_object().get(object));
    out = {};
    out.kind = load::Node::Kind::kMap;
    std::set<std::string, std::less<>> keys;
    for (auto field : object) {
      std::string_view key;
      Converter::check(field.unescaped_key().get(key));
      if (!keys.emplace(key).second) throw JsonError{fmt::format("duplicate key '{}'", key)};
      load::Node k;
      k.kind = load::Node::Kind::kScalar;
      k.style = load::Node::Style::kJsonString;
      k.scalar = std::string(key);
      load::Node child;
      od::value v;
      Converter::check(field.value().get(v));
      converter.value(v, child, 1);
      out.entries.emplace_back(std::move(k), std::move(child));
    }
    // current_location() fails once the whole input is consumed; a location means leftovers.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS && rest) {
      throw JsonError{"unexpected text after the JSON object"};
    }
  } catch (const JsonError& e) {
    const char* location = nullptr;
    if (doc.current_location().get(location) == simdjson::SUCCESS && location) {
      return fail(e.message, static_cast<std::size_t>(location - padded.data()), true, e.code);
    }
    return fail(e.message, 0, false, e.code);
  }
  return true;
}

}  // namespace entitle::facts
