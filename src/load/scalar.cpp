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

bool is_number_style(Node::Style style, bool allow_string) {
  using Style = Node::Style;
  switch (style) {
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

bool is_text_style(Node::Style style) {
  return style != Node::Style::kJsonBool && style != Node::Style::kJsonNumber;
}

}  // namespace

std::string expected_text(FactType type, const std::vector<std::string>& enum_values) {
  switch (type) {
    case FactType::kBool:
      return "true or false";
    case FactType::kInteger:
      return "a whole number";
    case FactType::kDecimal:
      return "an exact decimal number (at most 4 decimals)";
    case FactType::kMoney:
      return "an amount such as \"100.50\" (at most 4 decimals)";
    case FactType::kDate:
      return "a date YYYY-MM-DD";
    case FactType::kEnum:
      return fmt::format("one of: {}", fmt::join(enum_values, ", "));
    case FactType::kString:
      return "a string";
  }
  return "a value";
}

std::optional<Value> read_scalar(ScalarText scalar, FactType type,
                                 const std::vector<std::string>& enum_values) noexcept {
  std::string_view text = scalar.text;
  switch (type) {
    case FactType::kBool:
      if (scalar.style == Node::Style::kQuoted || scalar.style == Node::Style::kJsonString ||
          scalar.style == Node::Style::kJsonNumber) {
        return std::nullopt;
      }
      if (text == "true") return Value::boolean(true);
      if (text == "false") return Value::boolean(false);
      return std::nullopt;
    case FactType::kInteger: {
      if (!is_number_style(scalar.style, false)) return std::nullopt;
      auto d = Decimal::parse(text);
      if (!d || !d->is_integer() || text.find('.') != std::string_view::npos) return std::nullopt;
      return Value::number(*d);
    }
    case FactType::kDecimal:
    case FactType::kMoney: {
      if (!is_number_style(scalar.style, true)) return std::nullopt;
      auto d = Decimal::parse(text);
      if (!d) return std::nullopt;
      return Value::number(*d);
    }
    case FactType::kDate: {
      if (!is_text_style(scalar.style)) return std::nullopt;
      auto d = Date::parse(text);
      if (!d) return std::nullopt;
      return Value::date(*d);
    }
    case FactType::kEnum: {
      if (!is_text_style(scalar.style)) return std::nullopt;
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

ScalarProblem scalar_problem(ScalarText scalar, FactType type,
                             const std::vector<std::string>& enum_values) {
  bool integer = type == FactType::kInteger;
  bool numeric = integer || type == FactType::kDecimal || type == FactType::kMoney;
  if (numeric && is_number_style(scalar.style, !integer) && is_decimal_out_of_range(scalar.text) &&
      !(integer && scalar.text.find('.') != std::string_view::npos)) {
    return {fmt::format("a number between {}", decimal_range_text()), true};
  }
  return {expected_text(type, enum_values), false};
}

std::optional<Value> read_scalar(const Node& node, FactType type,
                                 const std::vector<std::string>& enum_values,
                                 ScalarProblem& problem) {
  std::optional<Value> value;
  if (node.is_scalar()) {
    value = read_scalar(ScalarText{node.scalar, node.style}, type, enum_values);
    if (!value) problem = scalar_problem(ScalarText{node.scalar, node.style}, type, enum_values);
  } else {
    problem = {expected_text(type, enum_values), false};
  }
  return value;
}

}  // namespace entitle::load
