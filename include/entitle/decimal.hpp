// Exact fixed-point decimal numbers for money and other amounts.
//
// A Decimal is an integer count of ten-thousandths held in an int64, so every value in
// [-922337203685477.5808, 922337203685477.5807] with at most four fractional digits is exact.
// Nothing here goes through binary floating point. Arithmetic never wraps and never has undefined
// behaviour: every operation that can leave the range returns std::nullopt instead.
//
// Decimal is a trivially copyable value type; all functions are pure and thread-safe.
#ifndef ENTITLE_DECIMAL_HPP_
#define ENTITLE_DECIMAL_HPP_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "entitle/export.h"

namespace entitle {

class ENTITLE_EXPORT Decimal {
 public:
  // Number of fractional decimal digits; value == units() / 10^kScale.
  static constexpr int kScale = 4;
  // units() of the value 1.
  static constexpr std::int64_t kOne = 10000;

  // Zero.
  constexpr Decimal() = default;

  // The value units / 10^4. Every int64 is accepted, including INT64_MIN (whose negation is not
  // representable: checked_neg and friends report that as overflow).
  static constexpr Decimal from_units(std::int64_t units) noexcept {
    Decimal d;
    d.units_ = units;
    return d;
  }

  // The integer v; std::nullopt when |v| * 10^4 does not fit in int64.
  static std::optional<Decimal> from_integer(std::int64_t v) noexcept;

  // Parses exact decimal text. Grammar (the whole string, nothing else):
  //   decimal  := ['-'] digits ['.' fraction]
  //   digits   := [0-9]+
  //   fraction := [0-9]{1,4}
  // Leading zeros are allowed ("007.50"); "-0" is zero. Rejected with std::nullopt: empty text,
  // '+', exponents, spaces, hex, a leading or trailing '.', more than four fractional digits (even
  // trailing zeros: "1.00000" is rejected, so that accepting a text always means it was exact), and
  // values outside the range of Decimal.
  static std::optional<Decimal> parse(std::string_view text) noexcept;

  // The raw count of ten-thousandths.
  constexpr std::int64_t units() const noexcept { return units_; }

  // Whether the value has no fractional part.
  bool is_integer() const noexcept { return units_ % kOne == 0; }

  // The integer part, rounded toward zero (-1.5 -> -1).
  std::int64_t truncated() const noexcept { return units_ / kOne; }

  // Shortest exact text with at least min_fraction_digits fractional digits (clamped to
  // [0, kScale]); trailing fractional zeros beyond that minimum are dropped, and so is the '.' when
  // no fractional digit remains. Examples: 7000 with 2 -> "7000.00", 0.125 with 2 -> "0.125",
  // 60 with 0 -> "60", -1.5 with 2 -> "-1.50". The result always parses back to the same value.
  std::string to_string(int min_fraction_digits = 0) const;

  // The text of to_string written to `out`, which must have room for kMaxChars bytes; returns
  // the number of bytes written (no terminating NUL).
  static constexpr std::size_t kMaxChars = 26;
  std::size_t to_chars(char* out, int min_fraction_digits = 0) const noexcept;

  friend constexpr auto operator<=>(Decimal, Decimal) = default;

 private:
  std::int64_t units_ = 0;
};

// Checked arithmetic. Each returns std::nullopt when the exact (for add/sub/neg) or rounded (for
// mul/div) result is outside the range of Decimal, including the INT64_MIN edge cases
// (checked_neg(min), min * -1, min / -1), and checked_div returns std::nullopt when the divisor is
// zero. checked_mul and checked_div round the exact quotient to four fractional digits, ties to
// even (banker's rounding): 0.00005 -> 0.0000, 0.00015 -> 0.0002, -0.00015 -> -0.0002.
ENTITLE_EXPORT std::optional<Decimal> checked_add(Decimal a, Decimal b) noexcept;
ENTITLE_EXPORT std::optional<Decimal> checked_sub(Decimal a, Decimal b) noexcept;
ENTITLE_EXPORT std::optional<Decimal> checked_mul(Decimal a, Decimal b) noexcept;
ENTITLE_EXPORT std::optional<Decimal> checked_div(Decimal a, Decimal b) noexcept;
ENTITLE_EXPORT std::optional<Decimal> checked_neg(Decimal a) noexcept;

}  // namespace entitle

#endif  // ENTITLE_DECIMAL_HPP_
