#include "entitle/decimal.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace entitle {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Decimal D(std::string_view text) {
  std::optional<Decimal> d = Decimal::parse(text);
  REQUIRE(d.has_value());
  return *d;
}

Decimal U(std::int64_t units) {
  return Decimal::from_units(units);
}

// Renders an optional result for readable failure messages.
std::string show(std::optional<Decimal> d) {
  return d ? d->to_string() : "nullopt";
}

TEST_CASE("Decimal::parse accepts exact decimal text", "[decimal]") {
  struct Case {
    std::string_view text;
    std::int64_t units;
  };
  const Case cases[] = {
      {"0", 0},
      {"-0", 0},
      {"1", 10000},
      {"-1", -10000},
      {"007", 70000},
      {"1.5", 15000},
      {"1.005", 10050},  // exact, unlike the double 1.005
      {"1.0050", 10050},
      {"0.0001", 1},
      {"-0.0001", -1},
      {"12345.6789", 123456789},
      {"7000.00", 70000000},
      {"922337203685477.5807", kMax},
      {"-922337203685477.5808", kMin},
      {"922337203685477", 9223372036854770000},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::optional<Decimal> d = Decimal::parse(c.text);
    REQUIRE(d.has_value());
    CHECK(d->units() == c.units);
  }
}

TEST_CASE("Decimal::parse rejects everything else", "[decimal]") {
  const std::string_view cases[] = {
      "",
      "-",
      "1.00005",  // five fractional digits: not representable exactly
      "1.00000",  // five digits even when they are zeros
      "0x1F",
      ".5",
      "-.5",
      "5.",
      "-5.",
      "+1",
      "1e3",
      "1E3",
      " 1",
      "1 ",
      "1,5",
      "1.2.3",
      "--1",
      "- 1",
      "1-",
      "nan",
      "inf",
      "\xEF\xBC\x91",  // fullwidth digit one
      std::string_view("1\0", 2),
      "922337203685477.5808",   // INT64_MAX + 1 unit
      "-922337203685477.5809",  // INT64_MIN - 1 unit
      "922337203685478",
      "9223372036854775807",  // INT64_MAX as an integer is far out of range once scaled
      "99999999999999999999999999999999999999999999999999",
      "-99999999999999999999999999999999999999999999999999.9999",
  };
  for (std::string_view text : cases) {
    INFO('"' << std::string(text) << '"');
    CHECK_FALSE(Decimal::parse(text).has_value());
  }
}

TEST_CASE("Decimal::from_integer and accessors", "[decimal]") {
  CHECK(Decimal::from_integer(0)->units() == 0);
  CHECK(Decimal::from_integer(-3)->units() == -30000);
  CHECK(Decimal::from_integer(922337203685477)->units() == 9223372036854770000);
  CHECK(Decimal::from_integer(-922337203685477)->units() == -9223372036854770000);
  CHECK_FALSE(Decimal::from_integer(922337203685478).has_value());
  CHECK_FALSE(Decimal::from_integer(-922337203685478).has_value());
  CHECK_FALSE(Decimal::from_integer(kMax).has_value());
  CHECK_FALSE(Decimal::from_integer(kMin).has_value());

  CHECK(D("3").is_integer());
  CHECK(D("-3").is_integer());
  CHECK(D("0").is_integer());
  CHECK_FALSE(D("3.0001").is_integer());
  CHECK_FALSE(D("-0.5").is_integer());

  CHECK(D("1.9999").truncated() == 1);
  CHECK(D("-1.9999").truncated() == -1);
  CHECK(D("-0.5").truncated() == 0);
  CHECK(U(kMin).truncated() == -922337203685477);
  CHECK(U(kMax).truncated() == 922337203685477);

  STATIC_REQUIRE(Decimal().units() == 0);
  STATIC_REQUIRE(Decimal::from_units(42).units() == 42);
  STATIC_REQUIRE(Decimal::from_units(1) < Decimal::from_units(2));
  CHECK(D("1.50") == D("1.5"));
  CHECK(D("-2") < D("-1.9999"));
}

TEST_CASE("Decimal::to_string", "[decimal]") {
  CHECK(D("7000").to_string(2) == "7000.00");
  CHECK(D("0.125").to_string(2) == "0.125");
  CHECK(D("60").to_string() == "60");
  CHECK(D("-1.5").to_string(2) == "-1.50");
  CHECK(D("-1.5").to_string() == "-1.5");
  CHECK(D("0").to_string() == "0");
  CHECK(D("0").to_string(2) == "0.00");
  CHECK(D("-0.0001").to_string() == "-0.0001");
  CHECK(D("0.1").to_string(4) == "0.1000");
  CHECK(D("0.1").to_string(9) == "0.1000");  // clamped to kScale
  CHECK(D("0.1").to_string(-3) == "0.1");    // clamped to 0
  CHECK(D("12.3400").to_string() == "12.34");
  CHECK(U(kMax).to_string() == "922337203685477.5807");
  CHECK(U(kMin).to_string() == "-922337203685477.5808");
  CHECK(U(kMin).to_string(2) == "-922337203685477.5808");

  // Round trip.
  for (std::int64_t units : {kMin, kMin + 1, std::int64_t{-10001}, std::int64_t{-1},
                             std::int64_t{0}, std::int64_t{1}, std::int64_t{99990}, kMax}) {
    for (int digits = 0; digits <= Decimal::kScale; ++digits) {
      CHECK(Decimal::parse(U(units).to_string(digits)) == U(units));
    }
  }
}

TEST_CASE("checked_add and checked_sub", "[decimal]") {
  CHECK(checked_add(D("0.1"), D("0.2")) == D("0.3"));
  CHECK(checked_add(D("-1.5"), D("1.5")) == D("0"));
  CHECK(checked_sub(D("0.3"), D("0.1")) == D("0.2"));
  CHECK(checked_sub(D("1"), D("2.0001")) == D("-1.0001"));

  CHECK(checked_add(U(kMax), U(0)) == U(kMax));
  CHECK_FALSE(checked_add(U(kMax), U(1)).has_value());
  CHECK_FALSE(checked_add(U(kMin), U(-1)).has_value());
  CHECK_FALSE(checked_add(U(kMin), U(kMin)).has_value());
  CHECK(checked_add(U(kMin), U(kMax)) == U(-1));

  CHECK_FALSE(checked_sub(U(kMin), U(1)).has_value());
  CHECK_FALSE(checked_sub(U(kMax), U(-1)).has_value());
  CHECK_FALSE(checked_sub(U(0), U(kMin)).has_value());
  CHECK(checked_sub(U(-1), U(kMin)) == U(kMax));
}

TEST_CASE("checked_neg", "[decimal]") {
  CHECK(checked_neg(D("1.25")) == D("-1.25"));
  CHECK(checked_neg(D("0")) == D("0"));
  CHECK(checked_neg(U(kMax)) == U(-kMax));
  CHECK_FALSE(checked_neg(U(kMin)).has_value());
}

TEST_CASE("checked_mul is exact or rounds half to even", "[decimal]") {
  CHECK(checked_mul(D("1.005"), D("100")) == D("100.5"));  // the double gives 100.49999...
  CHECK(checked_mul(D("2.5"), D("4")) == D("10"));
  CHECK(checked_mul(D("-2.5"), D("4")) == D("-10"));
  CHECK(checked_mul(D("-2.5"), D("-4")) == D("10"));
  CHECK(checked_mul(D("0"), U(kMin)) == D("0"));

  struct Case {
    const char* a;
    const char* b;
    const char* want;
  };
  const Case cases[] = {
      // Exact product 0.00005: tie, rounds to the even 0.0000.
      {"0.5", "0.0001", "0"},
      {"-0.5", "0.0001", "0"},
      // 0.00015 -> 0.0002 (even), 0.00025 -> 0.0002 (even), 0.00035 -> 0.0004.
      {"1.5", "0.0001", "0.0002"},
      {"2.5", "0.0001", "0.0002"},
      {"3.5", "0.0001", "0.0004"},
      {"-1.5", "0.0001", "-0.0002"},
      {"-2.5", "0.0001", "-0.0002"},
      {"1.5", "-0.0001", "-0.0002"},
      {"-1.5", "-0.0001", "0.0002"},
      // Not ties: 0.00006 -> 0.0001, 0.00004 -> 0.
      {"0.6", "0.0001", "0.0001"},
      {"0.4", "0.0001", "0"},
      {"-0.6", "0.0001", "-0.0001"},
      // 1.2345 * 1.2345 = 1.52399025 -> 1.5240
      {"1.2345", "1.2345", "1.524"},
      // 0.0105 * 0.5 = 0.00525 -> 0.0052 (tie, even); 0.0115 * 0.5 = 0.00575 -> 0.0058
      {"0.0105", "0.5", "0.0052"},
      {"0.0115", "0.5", "0.0058"},
      // 0.00051 * ... : 0.0003 * 0.5 = 0.00015 -> 0.0002
      {"0.0003", "0.5", "0.0002"},
  };
  for (const Case& c : cases) {
    INFO(c.a << " * " << c.b);
    CHECK(show(checked_mul(D(c.a), D(c.b))) == show(D(c.want)));
  }
}

TEST_CASE("checked_mul overflow", "[decimal]") {
  CHECK(checked_mul(U(kMax), D("1")) == U(kMax));
  CHECK(checked_mul(U(kMin), D("1")) == U(kMin));
  CHECK(checked_mul(U(kMax), D("-1")) == U(-kMax));
  CHECK_FALSE(checked_mul(U(kMin), D("-1")).has_value());
  CHECK_FALSE(checked_mul(D("-1"), U(kMin)).has_value());
  CHECK_FALSE(checked_mul(U(kMax), D("1.0001")).has_value());
  CHECK_FALSE(checked_mul(U(kMax), U(kMax)).has_value());
  CHECK_FALSE(checked_mul(U(kMin), U(kMin)).has_value());
  CHECK_FALSE(checked_mul(U(kMin), U(kMax)).has_value());
  CHECK_FALSE(checked_mul(D("1000000000"), D("1000000000")).has_value());
  // Just inside: 0.5 * max rounds to a representable value.
  CHECK(checked_mul(U(kMax), D("0.5")).has_value());
  CHECK(checked_mul(U(kMin), D("0.5")) == U(kMin / 2));
  // Tiny times huge stays exact.
  CHECK(checked_mul(U(kMin), D("0.0001")) ==
        U(-922337203685478));  // -922337203685477.5808 -> round
}

TEST_CASE("checked_div rounds half to even", "[decimal]") {
  struct Case {
    const char* a;
    const char* b;
    const char* want;
  };
  const Case cases[] = {
      {"1", "4", "0.25"},
      {"10", "4", "2.5"},
      {"1", "3", "0.3333"},
      {"2", "3", "0.6667"},
      {"-2", "3", "-0.6667"},
      {"2", "-3", "-0.6667"},
      {"-2", "-3", "0.6667"},
      // Exact quotient 0.00005: tie -> 0.0000 (even); 0.00015 -> 0.0002; 0.00025 -> 0.0002.
      {"0.0001", "2", "0"},
      {"-0.0001", "2", "0"},
      {"0.0003", "2", "0.0002"},
      {"0.0005", "2", "0.0002"},
      {"0.0007", "2", "0.0004"},
      {"-0.0003", "2", "-0.0002"},
      {"0.0003", "-2", "-0.0002"},
      {"-0.0005", "-2", "0.0002"},
      {"1", "20000", "0"},       // 0.00005
      {"3", "20000", "0.0002"},  // 0.00015
      {"1", "0.0001", "10000"},  // dividing by a small number scales up
      {"1.005", "1", "1.005"},
      {"7000", "12", "583.3333"},
      {"0.0001", "3", "0"},       // 0.0000333
      {"0.0002", "3", "0.0001"},  // 0.0000667
  };
  for (const Case& c : cases) {
    INFO(c.a << " / " << c.b);
    CHECK(show(checked_div(D(c.a), D(c.b))) == show(D(c.want)));
  }
}

TEST_CASE("checked_div division by zero and overflow", "[decimal]") {
  CHECK_FALSE(checked_div(D("1"), D("0")).has_value());
  CHECK_FALSE(checked_div(D("0"), D("0")).has_value());
  CHECK_FALSE(checked_div(U(kMin), D("0")).has_value());
  CHECK_FALSE(checked_div(U(kMin), D("-1")).has_value());  // INT64_MIN / -1
  CHECK_FALSE(checked_div(U(kMin), U(-1)).has_value());
  CHECK_FALSE(checked_div(U(kMax), D("0.5")).has_value());
  CHECK_FALSE(checked_div(D("1000000000000"), D("0.0001")).has_value());
  CHECK(checked_div(U(kMin), D("1")) == U(kMin));
  CHECK(checked_div(U(kMax), D("-1")) == U(-kMax));
  CHECK(checked_div(U(kMin), U(kMin)) == D("1"));
  CHECK(checked_div(U(kMax), U(kMax)) == D("1"));
  CHECK(checked_div(D("0"), U(kMin)) == D("0"));
  CHECK(checked_div(U(1), U(kMin)) == D("0"));
}

}  // namespace
}  // namespace entitle
