// Calendar dates and the age and interval rules built on them.
//
// A Date is a day count in the proleptic Gregorian calendar; it has no time of day and no time
// zone. Dates that come from text or from year/month/day (parse, from_ymd) are limited to years
// [kMinYear, kMaxYear]; arithmetic may step outside that range and stays correct for every int32
// day count (see each function for what happens at the int32 limits). Nothing here throws except
// std::bad_alloc from to_string. All functions are pure and thread-safe.
#ifndef ENTITLE_DATE_HPP_
#define ENTITLE_DATE_HPP_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "entitle/export.h"

namespace entitle {

struct ENTITLE_EXPORT Date {
  // Days since 1970-01-01 (negative before it).
  std::int32_t days = 0;

  // Range accepted by parse and from_ymd: far wider than any birth or evaluation date, narrow
  // enough that a typo such as "0202-01-01" is rejected rather than silently accepted.
  static constexpr int kMinYear = 1800, kMaxYear = 2200;

  // Parses a strict ISO 8601 calendar date. Grammar (the whole string, nothing else):
  //   date := [0-9]{4} '-' [0-9]{2} '-' [0-9]{2}
  // Returns std::nullopt for anything else (signs, spaces, unpadded fields, trailing text), for a
  // day that does not exist ("2023-02-29", "1950-02-30") and for a year outside
  // [kMinYear, kMaxYear].
  static std::optional<Date> parse(std::string_view text) noexcept;

  // The given day; std::nullopt unless it is a real calendar day with year in
  // [kMinYear, kMaxYear], month in [1, 12] and day in [1, days in that month].
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day) noexcept;

  // Calendar fields; correct for every int32 day count (proleptic Gregorian, astronomical year
  // numbering: the year before 1 is 0).
  int year() const noexcept;
  unsigned month() const noexcept;  // 1..12
  unsigned day() const noexcept;    // 1..31

  // "YYYY-MM-DD" for years 0..9999 (the form parse accepts for years in range). Other years,
  // reachable only by arithmetic, print with as many digits as needed and a leading '-' when
  // negative; such text does not parse.
  std::string to_string() const;

  // The date n days later (earlier when n < 0), saturated at the int32 limits of `days`.
  Date plus_days(std::int32_t n) const noexcept;

  friend constexpr auto operator<=>(Date, Date) = default;
};

// On which day a person turns N.
enum class BirthdayRule {
  kOnBirthday,  // on the Nth anniversary of birth
  kDayAfter,    // on the day after the Nth anniversary
};

// Where the anniversary of a 29 February birth falls in a common year.
enum class Feb29Rule {
  kMarch1,  // 1 March
  kFeb28,   // 28 February
};

struct AgeConvention {
  BirthdayRule birthday = BirthdayRule::kOnBirthday;
  Feb29Rule feb29 = Feb29Rule::kMarch1;
};

// The date on which someone born on `birth` turns `years` under `convention`: the anniversary in
// year birth.year() + years (moved per convention.feb29 for a 29 February birth in a common year),
// plus one day under BirthdayRule::kDayAfter. Age 0 starts on `birth` itself under either rule.
// years < 0 is treated as 0. The result saturates at the int32 limits of Date::days; below them it
// is strictly increasing in `years`.
ENTITLE_EXPORT Date anniversary(Date birth, int years, AgeConvention convention) noexcept;

// Whole years of age on `on`: the largest N >= 0 with anniversary(birth, N, convention) <= on;
// -1 when on < birth (not yet born).
ENTITLE_EXPORT int age_on(Date birth, Date on, AgeConvention convention) noexcept;

// Whole calendar months from a to b. For b >= a: the largest n with add_months(a, n) <= b, where
// add_months keeps the day of month and clamps it to the last day of the target month (from
// 31 January, one month is complete on the last day of February; 29 February plus twelve months is
// 28 February in a common year). For b < a: -whole_months_between(b, a), so the result is
// antisymmetric and truncated toward zero.
ENTITLE_EXPORT int whole_months_between(Date a, Date b) noexcept;

// whole_months_between(a, b) / 12 (truncated toward zero): whole years with the same month-end
// clamping. Note this clamps a 29 February start to 28 February, independently of Feb29Rule; use
// age_on for ages.
ENTITLE_EXPORT int whole_years_between(Date a, Date b) noexcept;

// b.days - a.days (negative when b < a), saturated to the range of int.
ENTITLE_EXPORT int days_between(Date a, Date b) noexcept;

}  // namespace entitle

#endif  // ENTITLE_DATE_HPP_
