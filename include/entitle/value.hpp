// The runtime datum of facts, parameters and evaluation: 16 bytes, no heap. A string Value
// points into storage owned elsewhere (the Facts or the RuleSet it came from).
#pragma once

#include <cstdint>
#include <string_view>

#include "entitle/date.hpp"
#include "entitle/decimal.hpp"

namespace entitle {

// Unknown is a value, not an error: three-valued logic propagates it.
enum class ValueKind : std::uint8_t { kUnknown, kBool, kNumber, kDate, kEnum, kString, kError };

// Faults inside one rule's evaluation; they make that rule's result an error, never a crash.
enum class EvalError : std::uint32_t {
  kNone,
  kOverflow,
  kDivisionByZero,
  kNoParameterValue,
  kStepBudget,
};

struct Value {
  ValueKind kind = ValueKind::kUnknown;
  std::uint32_t aux = 0;  // enum: index of the value in its list; string: length; error: EvalError
  std::int64_t bits = 0;  // bool: 0/1; number: Decimal units; date: days; string: const char*

  static constexpr Value unknown() noexcept { return {}; }
  static constexpr Value boolean(bool b) noexcept { return {ValueKind::kBool, 0, b ? 1 : 0}; }
  static constexpr Value number(Decimal d) noexcept { return {ValueKind::kNumber, 0, d.units()}; }
  static constexpr Value date(Date d) noexcept { return {ValueKind::kDate, 0, d.days}; }
  static constexpr Value enumerated(std::uint32_t index) noexcept {
    return {ValueKind::kEnum, index, 0};
  }
  static Value string(std::string_view s) noexcept {
    return {ValueKind::kString, static_cast<std::uint32_t>(s.size()),
            static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(s.data()))};
  }
  static constexpr Value error(EvalError e) noexcept {
    return {ValueKind::kError, static_cast<std::uint32_t>(e), 0};
  }

  bool is_unknown() const noexcept { return kind == ValueKind::kUnknown; }
  bool is_error() const noexcept { return kind == ValueKind::kError; }
  bool is_true() const noexcept { return kind == ValueKind::kBool && bits != 0; }
  bool is_false() const noexcept { return kind == ValueKind::kBool && bits == 0; }
  bool as_bool() const noexcept { return bits != 0; }
  Decimal as_number() const noexcept { return Decimal::from_units(bits); }
  Date as_date() const noexcept { return Date{static_cast<std::int32_t>(bits)}; }
  std::uint32_t as_enum() const noexcept { return aux; }
  std::string_view as_string() const noexcept {
    return {reinterpret_cast<const char*>(static_cast<std::intptr_t>(bits)), aux};
  }
  EvalError as_error() const noexcept { return static_cast<EvalError>(aux); }
};

}  // namespace entitle
