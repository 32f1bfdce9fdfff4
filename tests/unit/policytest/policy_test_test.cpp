// run_policy_tests and its JUnit report, on a small package written to a temporary folder.
#include "entitle/policy_test.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "support/package.hpp"

namespace entitle {
namespace {

namespace fs = std::filesystem;

// A package folder with the standard schema, one rule and the test file `tests`.
struct TempPackage {
  fs::path dir;
  explicit TempPackage(const std::string& tests) {
    dir = fs::temp_directory_path() / ("entitle-policy-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "tests");
    write("package.yaml", testing::manifest());
    write("schema.yaml", testing::standard_schema());
    write("rules.yaml", testing::rule_file("flag", "{kind: cash, amount: income, period: once}"));
    write("tests/t.yaml", tests);
  }
  ~TempPackage() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  }
};

TEST_CASE("policy tests pass, fail with an explanation, and report bad households at their line",
          "[policytest]") {
  TempPackage package(R"(tests:
  - name: granted
    as_of: 2013-01-01
    household: {id: h, flag: true, income: "5.00"}
    expect:
      granted: [{rule: r, recipient: household, amount: "5.00"}]
      totals: {once: "5.00"}
  - name: wrong amount
    as_of: 2013-01-01
    household: {id: h, flag: true, income: "5.00"}
    expect:
      granted: [{rule: r, amount: "6.00"}]
  - name: bad household
    as_of: 2013-01-01
    household:
      id: h
      flag: maybe
    expect:
      granted: [r]
)");
  auto loaded = load_ruleset(package.dir.string());
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  PolicyTestReport report = run_policy_tests(loaded.rules, package.dir.string());
  REQUIRE(report.cases.size() == 2);
  CHECK(report.cases[0].passed);
  CHECK_FALSE(report.cases[1].passed);
  CHECK(report.cases[1].line == 8);
  REQUIRE(report.cases[1].problems.size() == 1);
  CHECK(report.cases[1].problems[0] == "expected r to grant 6.00; it granted 5.00");
  CHECK(report.cases[1].explanation.find("✓ flag") != std::string::npos);
  // The household's error points at the fact, not at the start of the household.
  REQUIRE(report.diagnostics.size() == 1);
  const Diagnostic& d = report.diagnostics[0];
  CHECK(d.line == 17);
  CHECK(d.column == 13);
  CHECK(d.path == "flag");
  CHECK(d.source_line == "      flag: maybe");
  CHECK(report.passed() == 1);
  CHECK(report.failed() == 2);
  std::string junit = policy_report_junit(report, "suite <&>");
  CHECK(junit.find("<testsuite name=\"suite &lt;&amp;&gt;\" tests=\"3\" failures=\"2\"") !=
        std::string::npos);
}

}  // namespace
}  // namespace entitle
