#include "load/scalar.hpp"

#include <fmt/format.h>

#include <charconv>

namespace entitle::load {

std::string_view fact_type_name(FactType type) noexcept {
  switch (type) {
    case FactType::kBool:
      return "bool";
    case FactType::kInteger:
      return "integer";
    case FactType::kDecimal:
      return "decimal";
    case FactType::kMoney:
      return "money";
    case FactType::kDate:
      return "date";
    case FactType::kEnum:
      return "enum";
    case FactType::kString:
      return "string";
  }
  return "?";
}

std::optional<FactType> fact_type_from_name(std::string_view name) noexcept {
  for (auto type : {FactType::kBool, FactType::kInteger, FactType::kDecimal, FactType::kMoney,
                    FactType::kDate, FactType::kEnum, FactType::kString}) {
    if (fact_type_name(type) == name) return type;
  }
  return std::nullopt;
}

namespace {

bool is_number_style(const Node& node, bool allow_string) {
  using Style = Node::Style;
  switch (node.style) {
    case Style::kPlain:
    case Style::kJsonNumber:
      return true;
    case Style::kQuoted:
    case Style::kJsonString:
      return allow_string;
    case Style::kJsonBool:
      return false;
  }
  return false;
}

bool is_text_style(const Node& node) {
  return node.style != Node::Style::kJsonBool && node.style != Node::Style::kJsonNumber;
}

}  // namespace

bool is_decimal_out_of_range(std::string_view text) noexcept {
  std::string_view digits = text.substr(!text.empty() && text[0] == '-' ? 1 : 0);
  std::size_t dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : digits.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  bool well_written =
      !whole.empty() && all_digits(whole) && all_digits(fraction) &&
      (dot == std::string_view::npos || (!fraction.empty() && fraction.size() <= 4));
  return well_written && !Decimal::parse(text);
}

std::string decimal_range_text() {
  return fmt::format("{} and {}", Decimal::from_units(INT64_MIN).to_string(),
                     Decimal::from_units(INT64_MAX).to_string());
}

std::optional<Value> read_scalar(const Node& node, FactType type,
                                 const std::vector<std::string>& enum_values,
                                 ScalarProblem& problem) {
  std::string& expected = problem.expected;
  problem.out_of_range = false;
  switch (type) {
    case FactType::kBool:
      expected = "true or false";
      break;
    case FactType::kInteger:
      expected = "a whole number";
      break;
    case FactType::kDecimal:
      expected = "an exact decimal number (at most 4 decimals)";
      break;
    case FactType::kMoney:
      expected = "an amount such as \"100.50\" (at most 4 decimals)";
      break;
    case FactType::kDate:
      expected = "a date YYYY-MM-DD";
      break;
    case FactType::kEnum:
      expected = fmt::format("one of: {}", fmt::join(enum_values, ", "));
      break;
    case FactType::kString:
      expected = "a string";
      break;
  }
  if (!node.is_scalar()) return std::nullopt;
  const std::string& text = node.scalar;
  switch (type) {
    case FactType::kBool:
      if (node.style == Node::Style::kQuoted || node.style == Node::Style::kJsonString ||
          node.style == Node::Style::kJsonNumber) {
        return std::nullopt;
      }
      if (text == "true") return Value::boolean(true);
      if (text == "false") return Value::boolean(false);
      return std::nullopt;
    case FactType::kInteger:
    case FactType::kDecimal:
    case FactType::kMoney: {
      bool integer = type == FactType::kInteger;
      if (!is_number_style(node, !integer)) return std::nullopt;
      auto d = Decimal::parse(text);
      if (!d && is_decimal_out_of_range(text) &&
          (!integer || text.find('.') == std::string::npos)) {
        problem.out_of_range = true;
        expected = fmt::format("a number between {}", decimal_range_text());
      }
      if (!d || (integer && (!d->is_integer() || text.find('.') != std::string::npos))) {
        return std::nullopt;
      }
      return Value::number(*d);
    }
    case FactType::kDate: {
      if (!is_text_style(node)) return std::nullopt;
      auto d = Date::parse(text);
      if (!d) return std::nullopt;
      return Value::date(*d);
    }
    case FactType::kEnum: {
      if (!is_text_style(node)) return std::nullopt;
      for (std::size_t i = 0; i < enum_values.size(); ++i) {
        if (enum_values[i] == text) return Value::enumerated(static_cast<std::uint32_t>(i));
      }
      return std::nullopt;
    }
    case FactType::kString:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace entitle::load
