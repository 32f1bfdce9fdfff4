#include "entitle/date.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <fmt/format.h>

namespace entitle {
namespace {

// The Gregorian calendar repeats exactly every 400 years, which are 146097 days. date::year holds
// only [-32767, 32767] and wraps beyond it (HAZARDS.md), so every conversion first shifts by whole
// 400-year cycles into [1970, 2370), converts there with the date library, and shifts back in
// int64. That keeps every int32 day count, and every year an int computation can produce, exact.
constexpr std::int64_t kYearsPerCycle = 400;
constexpr std::int64_t kDaysPerCycle = 146097;
constexpr std::int64_t kCycleBaseYear = 1970;

struct Ymd {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Floor division for b > 0.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}

Ymd to_ymd(std::int64_t days) noexcept {
  std::int64_t cycles = floor_div(days, kDaysPerCycle);
  auto rest = static_cast<int>(days - cycles * kDaysPerCycle);  // [0, 146097)
  date::year_month_day ymd{date::sys_days{date::days{rest}}};
  return Ymd{static_cast<int>(ymd.year()) + cycles * kYearsPerCycle,
             static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

// Year shifted into [kCycleBaseYear, kCycleBaseYear + 400) and the number of cycles removed.
struct ShiftedYear {
  int year;
  std::int64_t cycles;
};

ShiftedYear shift_year(std::int64_t year) noexcept {
  std::int64_t cycles = floor_div(year - kCycleBaseYear, kYearsPerCycle);
  return ShiftedYear{static_cast<int>(year - cycles * kYearsPerCycle), cycles};
}

// Requires month in [1, 12].
unsigned last_day_of_month(std::int64_t year, unsigned month) noexcept {
  date::year_month_day_last ymdl{date::year{shift_year(year).year},
                                 date::month_day_last{date::month{month}}};
  return static_cast<unsigned>(ymdl.day());
}

// Requires month in [1, 12] and day in [1, last_day_of_month(year, month)].
std::int64_t days_from_ymd(std::int64_t year, unsigned month, unsigned day) noexcept {
  ShiftedYear shifted = shift_year(year);
  date::sys_days sd{date::year{shifted.year} / date::month{month} / date::day{day}};
  return std::int64_t{sd.time_since_epoch().count()} + shifted.cycles * kDaysPerCycle;
}

Date saturated(std::int64_t days) noexcept {
  constexpr std::int64_t kLo = std::numeric_limits<std::int32_t>::min();
  constexpr std::int64_t kHi = std::numeric_limits<std::int32_t>::max();
  return Date{static_cast<std::int32_t>(std::clamp(days, kLo, kHi))};
}

// anniversary() without saturation.
std::int64_t anniversary_days(Date birth, int years, AgeConvention convention) noexcept {
  if (years <= 0) return birth.days;
  Ymd b = to_ymd(birth.days);
  std::int64_t year = b.year + years;
  std::int64_t days = 0;
  if (b.month == 2 && b.day == 29 && last_day_of_month(year, 2) == 28) {
    days = convention.feb29 == Feb29Rule::kMarch1 ? days_from_ymd(year, 3, 1)
                                                  : days_from_ymd(year, 2, 28);
  } else {
    days = days_from_ymd(year, b.month, b.day);
  }
  if (convention.birthday == BirthdayRule::kDayAfter) ++days;
  return days;
}

int months_forward(Date a, Date b) noexcept {  // requires a <= b
  Ymd from = to_ymd(a.days);
  Ymd to = to_ymd(b.days);
  std::int64_t months = (to.year - from.year) * 12 + (std::int64_t{to.month} - from.month);
  unsigned landing_day = std::min(from.day, last_day_of_month(to.year, to.month));
  if (to.day < landing_day) --months;
  return static_cast<int>(months);  // |months| < 12 * 2^32 / 365 < 2^31
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<Date> Date::parse(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && i != 7 && !is_digit(text[i])) return std::nullopt;
  }
  auto number = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i)
      v = v * 10 + (text[i] - '0');
    return v;
  };
  return from_ymd(number(0, 4), static_cast<unsigned>(number(5, 2)),
                  static_cast<unsigned>(number(8, 2)));
}

std::optional<Date> Date::from_ymd(int year, unsigned month, unsigned day) noexcept {
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > last_day_of_month(year, month)) return std::nullopt;
  return Date{static_cast<std::int32_t>(days_from_ymd(year, month, day))};
}

int Date::year() const noexcept {
  return static_cast<int>(to_ymd(days).year);
}
unsigned Date::month() const noexcept {
  return to_ymd(days).month;
}
unsigned Date::day() const noexcept {
  return to_ymd(days).day;
}

std::string Date::to_string() const {
  Ymd ymd = to_ymd(days);
  if (ymd.year >= 0 && ymd.year <= 9999) {
    return fmt::format("{:04}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
  }
  return fmt::format("{}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
}

Date Date::plus_days(std::int32_t n) const noexcept {
  return saturated(std::int64_t{days} + n);
}

Date anniversary(Date birth, int years, AgeConvention convention) noexcept {
  return saturated(anniversary_days(birth, years, convention));
}

int age_on(Date birth, Date on, AgeConvention convention) noexcept {
  if (on < birth) return -1;
  // The anniversary for N = year difference falls in on's year (or on 1 January after it); the one
  // for N - 1 falls no later than 1 January of on's year. So at most two steps back.
  auto years = static_cast<int>(to_ymd(on.days).year - to_ymd(birth.days).year);
  while (years > 0 && anniversary_days(birth, years, convention) > on.days)
    --years;
  return years;
}

int whole_months_between(Date a, Date b) noexcept {
  return b < a ? -months_forward(b, a) : months_forward(a, b);
}

int whole_years_between(Date a, Date b) noexcept {
  return whole_months_between(a, b) / 12;
}

int days_between(Date a, Date b) noexcept {
  std::int64_t d = std::int64_t{b.days} - a.days;
  return static_cast<int>(std::clamp<std::int64_t>(d, std::numeric_limits<int>::min(),
                                                   std::numeric_limits<int>::max()));
}

}  // namespace entitle
