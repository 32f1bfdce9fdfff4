// entitle test DIR [--junit FILE] [--lang zh|en] [--limit NAME=VALUE]...: runs a package's
// policy tests.
#include <cstdio>
#include <fstream>

#include "cli.hpp"
#include "entitle/policy_test.hpp"

namespace entitle::cli {

namespace {

struct TestArgs {
  std::string package;
  std::string junit;
  std::string lang = "en";
  bool verbose = false;
  std::shared_ptr<Limits> limits = std::make_shared<Limits>();
};

int run_test(const TestArgs& args) {
  auto rules = load_rules_or_report(args.package, *args.limits);
  if (!rules) return kExitBadPackage;
  PolicyTestReport report = run_policy_tests(rules, args.package, args.lang);
  cli::report(report.diagnostics);
  for (const auto& c : report.cases) {
    if (c.passed) {
      if (args.verbose) std::printf("PASS %s:%d %s\n", c.file.c_str(), c.line, c.name.c_str());
      continue;
    }
    std::printf("FAIL %s:%d %s\n", c.file.c_str(), c.line, c.name.c_str());
    for (const auto& p : c.problems)
      std::printf("  - %s\n", p.c_str());
    std::fputs(c.explanation.c_str(), stdout);
  }
  if (!args.junit.empty()) {
    std::ofstream out(args.junit, std::ios::binary);
    out << policy_report_junit(report, rules->info().name);
    if (!out) {
      std::fprintf(stderr, "entitle: cannot write %s\n", args.junit.c_str());
      return kExitFailed;
    }
  }
  std::printf("%d passed, %d failed\n", report.passed(), report.failed());
  return report.failed() == 0 && !report.cases.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void add_test_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* cmd = app.add_subcommand("test", "Run a policy package's tests (tests/*.yaml)");
  cmd->add_option("DIR", args->package, "Policy package folder")->required();
  cmd->add_option("--junit", args->junit, "Also write a JUnit XML report to this file");
  cmd->add_option("--lang", args->lang, "Language of failure explanations")
      ->check(CLI::IsMember({"zh", "en"}));
  cmd->add_flag("-v,--verbose", args->verbose, "List passing cases too");
  add_limit_option(*cmd, args->limits);
  cmd->callback([&run, args] { run = [args] { return run_test(*args); }; });
}

}  // namespace entitle::cli
