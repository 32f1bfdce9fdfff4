#include "entitle/limits.hpp"

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

namespace entitle {
namespace {

TEST_CASE("set_limit sets a limit by name", "[limits]") {
  Limits limits;
  CHECK(set_limit(limits, "max_members", "5").empty());
  CHECK(limits.max_members == 5);
  CHECK(set_limit(limits, "max_eval_steps", "123456789012").empty());
  CHECK(limits.max_eval_steps == 123456789012u);
  CHECK(set_limit(limits, "max_yaml_depth", "256").empty());
  CHECK(limits.max_yaml_depth == 256);
}

TEST_CASE("set_limit refuses what it cannot honour and leaves the limits alone", "[limits]") {
  Limits limits;
  CHECK(set_limit(limits, "max_member", "5") ==
        "unknown limit 'max_member'; did you mean 'max_members'?");
  CHECK(set_limit(limits, "depth", "5").find("the limits are max_yaml_depth,") !=
        std::string::npos);
  for (const char* bad : {"", "-1", "+5", "5x", "1.5", " 5", "0x10"}) {
    CAPTURE(bad);
    CHECK(set_limit(limits, "max_members", bad).find("must be a whole number") !=
          std::string::npos);
  }
  CHECK(set_limit(limits, "max_members", "0") ==
        "limit max_members must be from 1 to 1000000 (members are held in memory), found 0");
  // yaml-cpp gives up near 500 levels with an unhelpful message, so a higher limit would lie.
  CHECK(set_limit(limits, "max_yaml_depth", "1000").find("yaml-cpp") != std::string::npos);
  CHECK(set_limit(limits, "max_eval_steps", "99999999999999999999999").find("must be from 1 to") !=
        std::string::npos);
  Limits defaults;
  CHECK(describe_limits(limits) == describe_limits(defaults));
}

TEST_CASE("describe_limits lists every limit with its value", "[limits]") {
  Limits limits;
  limits.max_members = 7;
  auto described = describe_limits(limits);
  REQUIRE(described.size() == 9);
  CHECK(described.front() == "max_yaml_depth=64");
  CHECK(std::find(described.begin(), described.end(), "max_members=7") != described.end());
  // Every listed name is one set_limit accepts.
  for (const auto& item : described) {
    auto equals = item.find('=');
    CHECK(set_limit(limits, item.substr(0, equals), item.substr(equals + 1)).empty());
  }
}

}  // namespace
}  // namespace entitle
