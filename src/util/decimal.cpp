#include "entitle/decimal.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace entitle {
namespace {

using Int128 = __int128;

constexpr std::int64_t kMinUnits = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxUnits = std::numeric_limits<std::int64_t>::max();

std::optional<Decimal> from_wide(Int128 units) noexcept {
  if (units < kMinUnits || units > kMaxUnits) return std::nullopt;
  return Decimal::from_units(static_cast<std::int64_t>(units));
}

// n / d rounded to the nearest integer, ties to even. Requires d != 0 and |n|, |d| < 2^126 so that
// neither the quotient nor 2 * |remainder| can overflow.
Int128 divide_half_even(Int128 n, Int128 d) noexcept {
  Int128 q = n / d;  // truncated toward zero
  Int128 r = n % d;  // same sign as n
  if (r == 0) return q;
  Int128 twice_r = r < 0 ? -2 * r : 2 * r;
  Int128 abs_d = d < 0 ? -d : d;
  bool away = twice_r > abs_d || (twice_r == abs_d && (q % 2) != 0);
  if (away) q += ((n < 0) != (d < 0)) ? -1 : 1;
  return q;
}

}  // namespace

std::optional<Decimal> Decimal::from_integer(std::int64_t v) noexcept {
  std::int64_t units = 0;
  if (__builtin_mul_overflow(v, kOne, &units)) return std::nullopt;
  return from_units(units);
}

std::optional<Decimal> Decimal::parse(std::string_view text) noexcept {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };

  // Magnitude in units, accumulated in 128 bits; anything above 2^64 is already out of range, so
  // stop growing there to keep the accumulator far from its own limit.
  constexpr Int128 kCap = Int128{1} << 64;
  Int128 magnitude = 0;
  bool overflow = false;
  std::size_t int_digits = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (!overflow) {
      magnitude = magnitude * 10 + (text[i] - '0');
      if (magnitude > kCap) overflow = true;
    }
    ++int_digits;
    ++i;
  }
  if (int_digits == 0) return std::nullopt;

  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      if (frac_digits == kScale) return std::nullopt;
      magnitude = magnitude * 10 + (text[i] - '0');
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  if (overflow) return std::nullopt;
  for (int k = frac_digits; k < kScale; ++k)
    magnitude *= 10;
  return from_wide(negative ? -magnitude : magnitude);
}

std::size_t Decimal::to_chars(char* out, int min_fraction_digits) const noexcept {
  if (min_fraction_digits < 0) min_fraction_digits = 0;
  if (min_fraction_digits > kScale) min_fraction_digits = kScale;

  // Unsigned magnitude: well defined for INT64_MIN too.
  std::uint64_t magnitude = units_ < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(units_)
                                       : static_cast<std::uint64_t>(units_);
  std::uint64_t int_part = magnitude / kOne;
  std::uint64_t frac_part = magnitude % kOne;

  char* p = out;
  if (units_ < 0) *p++ = '-';
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + int_part % 10);
    int_part /= 10;
  } while (int_part > 0);
  while (n > 0)
    *p++ = digits[--n];

  char frac[kScale];
  for (int k = kScale - 1; k >= 0; --k) {
    frac[k] = static_cast<char>('0' + frac_part % 10);
    frac_part /= 10;
  }
  int kept = kScale;
  while (kept > min_fraction_digits && frac[kept - 1] == '0')
    --kept;
  if (kept > 0) {
    *p++ = '.';
    for (int k = 0; k < kept; ++k)
      *p++ = frac[k];
  }
  return static_cast<std::size_t>(p - out);
}

std::string Decimal::to_string(int min_fraction_digits) const {
  char buffer[kMaxChars];
  return std::string(buffer, to_chars(buffer, min_fraction_digits));
}

std::optional<Decimal> checked_add(Decimal a, Decimal b) noexcept {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a.units(), b.units(), &r)) return std::nullopt;
  return Decimal::from_units(r);
}

std::optional<Decimal> checked_sub(Decimal a, Decimal b) noexcept {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a.units(), b.units(), &r)) return std::nullopt;
  return Decimal::from_units(r);
}

std::optional<Decimal> checked_mul(Decimal a, Decimal b) noexcept {
  // |a * b| <= 2^126: fits in __int128.
  Int128 product = Int128{a.units()} * Int128{b.units()};
  return from_wide(divide_half_even(product, Decimal::kOne));
}

std::optional<Decimal> checked_div(Decimal a, Decimal b) noexcept {
  if (b.units() == 0) return std::nullopt;
  // |a * 10^4| < 2^77: fits in __int128.
  Int128 numerator = Int128{a.units()} * Decimal::kOne;
  return from_wide(divide_half_even(numerator, b.units()));
}

std::optional<Decimal> checked_neg(Decimal a) noexcept {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(std::int64_t{0}, a.units(), &r)) return std::nullopt;
  return Decimal::from_units(r);
}

}  // namespace entitle
