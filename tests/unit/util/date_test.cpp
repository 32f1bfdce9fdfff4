#include "entitle/date.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <catch2/catch.hpp>

namespace entitle {
namespace {

Date D(std::string_view text) {
  std::optional<Date> d = Date::parse(text);
  INFO(std::string(text));
  REQUIRE(d.has_value());
  return *d;
}

constexpr AgeConvention kOnBirthdayMarch1{BirthdayRule::kOnBirthday, Feb29Rule::kMarch1};
constexpr AgeConvention kOnBirthdayFeb28{BirthdayRule::kOnBirthday, Feb29Rule::kFeb28};
constexpr AgeConvention kDayAfterMarch1{BirthdayRule::kDayAfter, Feb29Rule::kMarch1};
constexpr AgeConvention kDayAfterFeb28{BirthdayRule::kDayAfter, Feb29Rule::kFeb28};

TEST_CASE("Date::parse accepts strict YYYY-MM-DD", "[date]") {
  CHECK(D("1970-01-01").days == 0);
  CHECK(D("1970-01-02").days == 1);
  CHECK(D("1969-12-31").days == -1);
  CHECK(D("2000-03-01").days == 11017);
  CHECK(D("2024-02-29").days == 19782);
  CHECK(D("1800-01-01").days == -62091);
  CHECK(D("2200-12-31").days == 84370);
  CHECK(D("1900-02-28").to_string() == "1900-02-28");
  CHECK(D("2000-02-29").to_string() == "2000-02-29");

  Date d = D("2024-02-29");
  CHECK(d.year() == 2024);
  CHECK(d.month() == 2u);
  CHECK(d.day() == 29u);
  CHECK(d.to_string() == "2024-02-29");
}

TEST_CASE("Date::parse rejects everything else", "[date]") {
  const std::string_view cases[] = {
      "",
      "2024-01-05x",  // trailing garbage (date::parse accepts it)
      "2024-01-05 ",
      " 2024-01-05",
      "2024-1-05",  // unpadded fields (date::parse accepts them)
      "2024-01-5",
      "24-01-05",
      "-001-01-01",  // negative year (date::parse accepts it)
      "+2024-01-05",
      "02024-01-05",
      "2023-02-29",  // not a leap year
      "1900-02-29",  // century, not a leap year
      "1950-02-30",
      "2024-04-31",
      "2024-00-10",
      "2024-13-01",
      "2024-01-00",
      "2024-01-32",
      "1799-12-31",  // below kMinYear
      "2201-01-01",  // above kMaxYear
      "0000-01-01",
      "9999-12-31",
      "2024/01/05",
      "2024-01-05T00:00",
      "20240105",
      "2024-0a-05",
      "２０２４-01-05",
      std::string_view("2024-01-0\0", 10),
  };
  for (std::string_view text : cases) {
    INFO('"' << std::string(text) << '"');
    CHECK_FALSE(Date::parse(text).has_value());
  }
}

TEST_CASE("Date::from_ymd", "[date]") {
  CHECK(Date::from_ymd(2024, 2, 29) == D("2024-02-29"));
  CHECK(Date::from_ymd(1800, 1, 1) == D("1800-01-01"));
  CHECK(Date::from_ymd(2200, 12, 31) == D("2200-12-31"));
  CHECK_FALSE(Date::from_ymd(2023, 2, 29).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 0, 1).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 13, 1).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 1, 0).has_value());
  CHECK_FALSE(Date::from_ymd(2024, 6, 31).has_value());
  CHECK_FALSE(Date::from_ymd(1799, 12, 31).has_value());
  CHECK_FALSE(Date::from_ymd(2201, 1, 1).has_value());
  CHECK_FALSE(Date::from_ymd(-32768, 1, 1).has_value());
  CHECK_FALSE(Date::from_ymd(std::numeric_limits<int>::max(), 1, 1).has_value());
  CHECK_FALSE(Date::from_ymd(2024, std::numeric_limits<unsigned>::max(), 1).has_value());
}

TEST_CASE("Date fields agree with the date library over the whole parse range", "[date]") {
  const Date first = D("1800-01-01");
  const Date last = D("2200-12-31");
  for (std::int32_t n = first.days; n <= last.days; ++n) {
    Date d{n};
    date::year_month_day want{date::sys_days{date::days{n}}};
    REQUIRE(d.year() == static_cast<int>(want.year()));
    REQUIRE(d.month() == static_cast<unsigned>(want.month()));
    REQUIRE(d.day() == static_cast<unsigned>(want.day()));
    REQUIRE(Date::from_ymd(d.year(), d.month(), d.day()) == d);
    REQUIRE(Date::parse(d.to_string()) == d);
  }
}

TEST_CASE("Date stays correct far outside the parse range", "[date]") {
  // date::year wraps beyond +-32767; our conversion must not.
  Date far{std::numeric_limits<std::int32_t>::max()};
  CHECK(far.year() == 5881580);
  CHECK(far.month() == 7u);
  CHECK(far.day() == 11u);
  CHECK(far.to_string() == "5881580-07-11");
  Date early{std::numeric_limits<std::int32_t>::min()};
  CHECK(early.year() == -5877641);
  CHECK(early.month() == 6u);
  CHECK(early.day() == 23u);
  CHECK(early.to_string() == "-5877641-06-23");
  CHECK(Date{-719528}.to_string() == "0000-01-01");
  CHECK(Date{-719529}.to_string() == "-1-12-31");
  CHECK(Date{2932896}.to_string() == "9999-12-31");
  CHECK(Date{2932897}.to_string() == "10000-01-01");
}

TEST_CASE("Date::plus_days", "[date]") {
  CHECK(D("2024-02-28").plus_days(1) == D("2024-02-29"));
  CHECK(D("2023-02-28").plus_days(1) == D("2023-03-01"));
  CHECK(D("2024-12-31").plus_days(1) == D("2025-01-01"));
  CHECK(D("2024-03-01").plus_days(-1) == D("2024-02-29"));
  CHECK(D("2024-01-01").plus_days(366) == D("2025-01-01"));
  CHECK(D("2024-01-01").plus_days(0) == D("2024-01-01"));
  constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
  CHECK(Date{kMax}.plus_days(1).days == kMax);
  CHECK(Date{kMin}.plus_days(-1).days == kMin);
  CHECK(Date{kMin}.plus_days(kMax).days == -1);
  CHECK(Date{0}.plus_days(kMin).days == kMin);
}

TEST_CASE("anniversary", "[date]") {
  const Date birth = D("1990-06-15");
  CHECK(anniversary(birth, 0, kOnBirthdayMarch1) == birth);
  CHECK(anniversary(birth, 0, kDayAfterMarch1) == birth);  // age 0 starts at birth
  CHECK(anniversary(birth, 18, kOnBirthdayMarch1) == D("2008-06-15"));
  CHECK(anniversary(birth, 18, kDayAfterMarch1) == D("2008-06-16"));
  CHECK(anniversary(birth, -5, kOnBirthdayMarch1) == birth);

  const Date new_year_eve = D("1999-12-31");
  CHECK(anniversary(new_year_eve, 1, kOnBirthdayMarch1) == D("2000-12-31"));
  CHECK(anniversary(new_year_eve, 1, kDayAfterMarch1) == D("2001-01-01"));

  const Date leapling = D("2000-02-29");
  CHECK(anniversary(leapling, 0, kOnBirthdayFeb28) == leapling);
  CHECK(anniversary(leapling, 1, kOnBirthdayMarch1) == D("2001-03-01"));
  CHECK(anniversary(leapling, 1, kOnBirthdayFeb28) == D("2001-02-28"));
  CHECK(anniversary(leapling, 1, kDayAfterMarch1) == D("2001-03-02"));
  CHECK(anniversary(leapling, 1, kDayAfterFeb28) == D("2001-03-01"));
  CHECK(anniversary(leapling, 4, kOnBirthdayMarch1) == D("2004-02-29"));
  CHECK(anniversary(leapling, 4, kOnBirthdayFeb28) == D("2004-02-29"));
  CHECK(anniversary(leapling, 4, kDayAfterMarch1) == D("2004-03-01"));
  CHECK(anniversary(leapling, 4, kDayAfterFeb28) == D("2004-03-01"));
  CHECK(anniversary(leapling, 100, kOnBirthdayMarch1) == D("2100-03-01"));  // 2100: common
  CHECK(anniversary(leapling, 100, kOnBirthdayFeb28) == D("2100-02-28"));

  // Far beyond the calendar library's year range: exact, then saturated.
  CHECK(anniversary(D("2000-01-01"), 40000, kOnBirthdayMarch1).to_string() == "42000-01-01");
  CHECK(anniversary(D("2000-01-01"), std::numeric_limits<int>::max(), kOnBirthdayMarch1).days ==
        std::numeric_limits<std::int32_t>::max());
}

TEST_CASE("anniversary is strictly increasing", "[date]") {
  for (AgeConvention c : {kOnBirthdayMarch1, kOnBirthdayFeb28, kDayAfterMarch1, kDayAfterFeb28}) {
    for (const char* b : {"2000-02-29", "1999-12-31", "2001-01-01", "1996-02-28", "1996-03-01"}) {
      Date birth = D(b);
      for (int n = 0; n < 120; ++n) {
        INFO(b << " n=" << n);
        REQUIRE(anniversary(birth, n, c) < anniversary(birth, n + 1, c));
      }
    }
  }
}

TEST_CASE("age_on: ordinary birthday", "[date]") {
  const Date birth = D("2006-05-10");
  for (AgeConvention c : {kOnBirthdayMarch1, kOnBirthdayFeb28}) {
    CHECK(age_on(birth, D("2006-05-09"), c) == -1);
    CHECK(age_on(birth, birth, c) == 0);
    CHECK(age_on(birth, D("2007-05-09"), c) == 0);
    CHECK(age_on(birth, D("2007-05-10"), c) == 1);
    CHECK(age_on(birth, D("2024-05-09"), c) == 17);
    CHECK(age_on(birth, D("2024-05-10"), c) == 18);  // the birthday itself
    CHECK(age_on(birth, D("2024-05-11"), c) == 18);
  }
  for (AgeConvention c : {kDayAfterMarch1, kDayAfterFeb28}) {
    CHECK(age_on(birth, D("2006-05-09"), c) == -1);
    CHECK(age_on(birth, birth, c) == 0);
    CHECK(age_on(birth, D("2024-05-09"), c) == 17);
    CHECK(age_on(birth, D("2024-05-10"), c) == 17);  // the birthday itself
    CHECK(age_on(birth, D("2024-05-11"), c) == 18);
  }
}

TEST_CASE("age_on: born on 31 December", "[date]") {
  const Date birth = D("2005-12-31");
  CHECK(age_on(birth, D("2023-12-30"), kOnBirthdayMarch1) == 17);
  CHECK(age_on(birth, D("2023-12-31"), kOnBirthdayMarch1) == 18);
  CHECK(age_on(birth, D("2023-12-31"), kDayAfterMarch1) == 17);
  CHECK(age_on(birth, D("2024-01-01"), kDayAfterMarch1) == 18);
  CHECK(age_on(birth, D("2006-01-01"), kDayAfterMarch1) == 0);
  CHECK(age_on(birth, D("2006-12-31"), kDayAfterMarch1) == 0);
  CHECK(age_on(birth, D("2007-01-01"), kDayAfterMarch1) == 1);
}

TEST_CASE("age_on: 29 February births", "[date]") {
  const Date birth = D("2004-02-29");
  SECTION("in a common year") {
    // 2022 is common: the 18th birthday falls on 1 March or 28 February.
    CHECK(age_on(birth, D("2022-02-27"), kOnBirthdayMarch1) == 17);
    CHECK(age_on(birth, D("2022-02-28"), kOnBirthdayMarch1) == 17);
    CHECK(age_on(birth, D("2022-03-01"), kOnBirthdayMarch1) == 18);

    CHECK(age_on(birth, D("2022-02-27"), kOnBirthdayFeb28) == 17);
    CHECK(age_on(birth, D("2022-02-28"), kOnBirthdayFeb28) == 18);
    CHECK(age_on(birth, D("2022-03-01"), kOnBirthdayFeb28) == 18);

    CHECK(age_on(birth, D("2022-03-01"), kDayAfterMarch1) == 17);
    CHECK(age_on(birth, D("2022-03-02"), kDayAfterMarch1) == 18);

    CHECK(age_on(birth, D("2022-02-28"), kDayAfterFeb28) == 17);
    CHECK(age_on(birth, D("2022-03-01"), kDayAfterFeb28) == 18);
  }
  SECTION("in a leap year") {
    // 2024 is leap: the 20th birthday is 29 February under every Feb29Rule.
    for (AgeConvention c : {kOnBirthdayMarch1, kOnBirthdayFeb28}) {
      CHECK(age_on(birth, D("2024-02-28"), c) == 19);
      CHECK(age_on(birth, D("2024-02-29"), c) == 20);
      CHECK(age_on(birth, D("2024-03-01"), c) == 20);
    }
    for (AgeConvention c : {kDayAfterMarch1, kDayAfterFeb28}) {
      CHECK(age_on(birth, D("2024-02-29"), c) == 19);
      CHECK(age_on(birth, D("2024-03-01"), c) == 20);
    }
  }
  SECTION("at birth and before") {
    for (AgeConvention c : {kOnBirthdayMarch1, kOnBirthdayFeb28, kDayAfterMarch1, kDayAfterFeb28}) {
      CHECK(age_on(birth, D("2004-02-28"), c) == -1);
      CHECK(age_on(birth, birth, c) == 0);
      CHECK(age_on(birth, D("2005-02-27"), c) == 0);
    }
  }
}

TEST_CASE("age_on agrees with its definition", "[date]") {
  // Brute force: the largest N with anniversary(N) <= on.
  for (AgeConvention c : {kOnBirthdayMarch1, kOnBirthdayFeb28, kDayAfterMarch1, kDayAfterFeb28}) {
    for (const char* b : {"2000-02-29", "1999-12-31", "2001-01-01", "1996-02-28", "1996-03-01"}) {
      Date birth = D(b);
      for (Date on = birth.plus_days(-3); on < D("2012-01-01"); on = on.plus_days(1)) {
        int want = -1;
        if (!(on < birth)) {
          want = 0;
          while (anniversary(birth, want + 1, c) <= on)
            ++want;
        }
        INFO(b << " on " << on.to_string());
        REQUIRE(age_on(birth, on, c) == want);
      }
    }
  }
}

TEST_CASE("whole_months_between clamps to month end", "[date]") {
  const Date jan31 = D("2024-01-31");
  CHECK(whole_months_between(jan31, jan31) == 0);
  CHECK(whole_months_between(jan31, D("2024-02-28")) == 0);
  CHECK(whole_months_between(jan31, D("2024-02-29")) == 1);  // last day of February
  CHECK(whole_months_between(jan31, D("2024-03-30")) == 1);
  CHECK(whole_months_between(jan31, D("2024-03-31")) == 2);
  CHECK(whole_months_between(jan31, D("2024-04-30")) == 3);
  CHECK(whole_months_between(jan31, D("2025-01-30")) == 11);
  CHECK(whole_months_between(jan31, D("2025-01-31")) == 12);

  const Date common_jan31 = D("2023-01-31");
  CHECK(whole_months_between(common_jan31, D("2023-02-27")) == 0);
  CHECK(whole_months_between(common_jan31, D("2023-02-28")) == 1);

  CHECK(whole_months_between(D("2024-01-15"), D("2024-02-14")) == 0);
  CHECK(whole_months_between(D("2024-01-15"), D("2024-02-15")) == 1);
  CHECK(whole_months_between(D("2023-12-15"), D("2024-01-15")) == 1);
  CHECK(whole_months_between(D("2023-12-16"), D("2024-01-15")) == 0);

  // Negative: antisymmetric.
  CHECK(whole_months_between(D("2024-02-29"), jan31) == -1);
  CHECK(whole_months_between(D("2024-02-28"), jan31) == 0);
  CHECK(whole_months_between(D("2024-03-31"), jan31) == -2);
  CHECK(whole_months_between(D("2024-02-14"), D("2024-01-15")) == 0);
}

TEST_CASE("whole_years_between", "[date]") {
  CHECK(whole_years_between(D("2000-06-15"), D("2024-06-14")) == 23);
  CHECK(whole_years_between(D("2000-06-15"), D("2024-06-15")) == 24);
  CHECK(whole_years_between(D("2024-06-15"), D("2000-06-15")) == -24);
  CHECK(whole_years_between(D("2024-06-14"), D("2000-06-15")) == -23);
  // 29 February clamps to 28 February in common years.
  CHECK(whole_years_between(D("2024-02-29"), D("2025-02-27")) == 0);
  CHECK(whole_years_between(D("2024-02-29"), D("2025-02-28")) == 1);
  CHECK(whole_years_between(D("2024-02-29"), D("2028-02-28")) == 3);
  CHECK(whole_years_between(D("2024-02-29"), D("2028-02-29")) == 4);
  CHECK(whole_years_between(D("1800-01-01"), D("2200-12-31")) == 400);
  CHECK(whole_years_between(Date{std::numeric_limits<std::int32_t>::min()},
                            Date{std::numeric_limits<std::int32_t>::max()}) == 11759221);
}

TEST_CASE("days_between", "[date]") {
  CHECK(days_between(D("2024-01-01"), D("2024-12-31")) == 365);
  CHECK(days_between(D("2023-01-01"), D("2023-12-31")) == 364);
  CHECK(days_between(D("2024-12-31"), D("2024-01-01")) == -365);
  CHECK(days_between(D("2024-02-28"), D("2024-03-01")) == 2);
  CHECK(days_between(D("2023-02-28"), D("2023-03-01")) == 1);
  CHECK(days_between(D("2024-05-05"), D("2024-05-05")) == 0);
  CHECK(days_between(D("1800-01-01"), D("2200-12-31")) == 146461);
  constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
  CHECK(days_between(Date{kMin}, Date{kMax}) == std::numeric_limits<int>::max());
  CHECK(days_between(Date{kMax}, Date{kMin}) == std::numeric_limits<int>::min());
}

}  // namespace
}  // namespace entitle
