// entitle lint DIR [--format text|json] [--strict] [--emit-tests DIR]
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli.hpp"
#include "entitle/lint.hpp"

namespace entitle::cli {

namespace {

// Exit statuses of lint, as the issue fixes them: 0 clean, 1 warnings with --strict, 2 errors.
constexpr int kLintWarnings = 1;
constexpr int kLintErrors = 2;

struct LintArgs {
  std::string package;
  std::string format = "text";
  bool strict = false;
  std::string emit_tests;
};

bool write_tests(const LintReport& report, const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(directory, ec);
  for (const auto& t : report.tests) {
    fs::path path = fs::path(directory) / t.file_name;
    std::ofstream out(path, std::ios::binary);
    out << t.yaml;
    out.close();
    if (!out) {
      std::fprintf(stderr, "entitle: cannot write %s\n", path.string().c_str());
      return false;
    }
    std::fprintf(stderr, "entitle: wrote %s\n", path.string().c_str());
  }
  return true;
}

int run_lint(const LintArgs& args) {
  LintReport report = lint_package(args.package);
  if (!args.emit_tests.empty() && !write_tests(report, args.emit_tests)) return kLintErrors;
  std::string out;
  if (args.format == "json") {
    out = lint_report_json(report) + "\n";
  } else {
    out = lint_report_text(report);
    out += fmt::format("{}: {} error{}, {} warning{}\n", args.package, report.errors(),
                       report.errors() == 1 ? "" : "s", report.warnings(),
                       report.warnings() == 1 ? "" : "s");
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return kLintErrors;
  if (report.errors() > 0) return kLintErrors;
  if (report.warnings() > 0 && args.strict) return kLintWarnings;
  return kExitOk;
}

}  // namespace

void add_lint_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "Check a policy package: its errors, and warnings an author wants to fix");
  cmd->add_option("DIR", args->package, "Policy package folder")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--strict", args->strict, "Exit 1 when there are warnings");
  cmd->add_option("--emit-tests", args->emit_tests,
                  "Write a policy test case for each never-granted rule into this folder");
  cmd->callback([&run, args] { run = [args] { return run_lint(*args); }; });
}

}  // namespace entitle::cli
