// entitle lint: load and check the package (their diagnostics are the errors), then the
// warnings of lint_checks on the checked package.
#include "entitle/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "check/checker.hpp"
#include "compile/program.hpp"
#include "lint/never_granted.hpp"
#include "load/package_loader.hpp"
#include "policytest/test_files.hpp"
#include "util/text.hpp"

namespace entitle {

std::size_t LintReport::errors() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

std::size_t LintReport::warnings() const noexcept {
  return diagnostics.size() - errors();
}

namespace lint {
namespace {

using load::Expr;

class Checks {
 public:
  Checks(const check::CheckedPackage& package, Diagnostics& out)
      : tree_(package.tree), package_(package), out_(out) {}

  void warn(const load::Location& at, std::string_view check, std::string message) {
    Diagnostic d =
        load::make_diagnostic(tree_.files[at.file], at.position, check, std::move(message));
    d.severity = Severity::kWarning;
    out_.push_back(std::move(d));
  }

  void unused() {
    std::vector<bool> definitions(tree_.definitions.size()), parameters(tree_.parameters.size());
    for (const auto& rule : tree_.rules) {
      if (rule.recipient_filter) mark(*rule.recipient_filter, definitions, parameters);
      mark(rule.when, definitions, parameters);
      for (const auto* g : {&rule.grant.amount, &rule.grant.amount_min, &rule.grant.amount_max,
                            &rule.grant.quantity}) {
        if (*g) mark(**g, definitions, parameters);
      }
    }
    for (std::size_t i = 0; i < tree_.parameters.size(); ++i) {
      if (parameters[i]) continue;
      const auto& p = tree_.parameters[i];
      warn(p.location, lint_checks::kUnusedParameter,
           fmt::format("parameter '{}' is not used by any rule", p.name));
    }
    for (std::size_t i = 0; i < tree_.definitions.size(); ++i) {
      if (definitions[i]) continue;
      const auto& d = tree_.definitions[i];
      warn(d.location, lint_checks::kUnusedDefinition,
           fmt::format("{} definition '{}' is not used by any rule",
                       d.entity == load::Entity::kHousehold ? "household" : "member", d.name));
    }
  }

  void titles_and_basis() {
    auto blank = [](const std::string& s) {
      return s.find_first_not_of(" \t\r\n") == std::string::npos;
    };
    std::map<std::string, const load::Rule*> zh, en;
    for (const auto& rule : tree_.rules) {
      if (blank(rule.basis.source) || blank(rule.basis.clause)) {
        warn(rule.location, lint_checks::kMissingBasis,
             fmt::format("rule '{}' has no legal basis: give basis.source (a source document "
                         "id) and basis.clause",
                         rule.id));
      }
      if (blank(rule.title.zh) || blank(rule.title.en)) {
        warn(rule.location, lint_checks::kMissingTitle,
             fmt::format("rule '{}' needs a title in both languages (title.zh and title.en)",
                         rule.id));
      } else if (rule.title.zh == rule.title.en) {
        warn(rule.location, lint_checks::kMissingTitle,
             fmt::format("rule '{}' has the same text as its Chinese and English title", rule.id));
      }
      for (auto [map, text, language] : {std::tuple{&zh, &rule.title.zh, "Chinese"},
                                         std::tuple{&en, &rule.title.en, "English"}}) {
        if (blank(*text)) continue;
        auto [it, inserted] = map->emplace(*text, &rule);
        if (!inserted) {
          warn(rule.location, lint_checks::kDuplicateTitle,
               fmt::format("rule '{}' has the same {} title as rule '{}' (line {}): '{}'", rule.id,
                           language, it->second->id, it->second->location.position.line, *text));
        }
      }
    }
  }

  // Days a rule is in effect on which a parameter it reads has no value. The checker rejects
  // such gaps for rules with a start date; this finds the rest.
  void parameter_gaps() {
    const Date earliest = *Date::from_ymd(Date::kMinYear, 1, 1);
    const Date latest = *Date::from_ymd(Date::kMaxYear, 12, 31);
    for (std::size_t r = 0; r < tree_.rules.size(); ++r) {
      const auto& rule = tree_.rules[r];
      Date first = rule.from.value_or(earliest);
      Date last = rule.until.value_or(latest);
      for (int index : package_.rule_parameters[r]) {
        const auto& p = tree_.parameters[index];
        Date day = first;  // the first day not yet known to be covered
        std::optional<std::pair<Date, Date>> gap;
        for (std::size_t i = 0; i < p.values.size() && day <= last && !gap; ++i) {
          const auto& v = p.values[i];
          std::optional<Date> end = v.until;
          if (i + 1 < p.values.size()) {
            Date next = p.values[i + 1].from.plus_days(-1);
            if (!end || next < *end) end = next;
          }
          if (v.from > day) {
            gap = std::pair{day, std::min(v.from.plus_days(-1), last)};
          } else if (!end || *end >= last) {
            day = last.plus_days(1);
          } else if (*end >= day) {
            day = end->plus_days(1);
          }
        }
        if (!gap && day <= last) gap = std::pair{day, last};
        if (!gap) continue;
        std::string when =
            gap->first == earliest ? fmt::format("before {}", gap->second.plus_days(1).to_string())
            : gap->second == latest
                ? fmt::format("from {}", gap->first.to_string())
                : fmt::format("from {} to {}", gap->first.to_string(), gap->second.to_string());
        std::string message = fmt::format(
            "parameter '{}' has no value {}, while rule '{}' is in effect", p.name, when, rule.id);
        if (!rule.from) message += " (it has no effective.from)";
        warn(rule.location, lint_checks::kParameterGap, std::move(message));
      }
    }
  }

  // Test files in which no rule id appears as a value.
  void orphan_tests(const Limits& limits, Diagnostics& errors) {
    if (tree_.directory.empty()) return;
    for (const auto& path : policytest::test_files(tree_.directory)) {
      load::SourceFile file;
      if (!load::read_source_file(path, limits.max_policy_file_bytes, file, errors)) continue;
      std::size_t before = errors.size();
      load::Node root = load::parse_yaml(file, limits, errors);
      if (errors.size() != before) continue;
      if (mentions_rule(root)) continue;
      Diagnostic d = load::make_diagnostic(file, {1, 1}, lint_checks::kOrphanTestFile,
                                           "no rule id of the package appears in this test file");
      d.severity = Severity::kWarning;
      out_.push_back(std::move(d));
    }
  }

 private:
  void mark(const Expr& e, std::vector<bool>& definitions, std::vector<bool>& parameters) {
    if (e.ref.kind == load::RefKind::kParameter) parameters[e.ref.index] = true;
    if (e.ref.kind == load::RefKind::kDefinition && !definitions[e.ref.index]) {
      definitions[e.ref.index] = true;
      mark(tree_.definitions[e.ref.index].expr, definitions, parameters);
    }
    for (const auto& a : e.args)
      mark(a, definitions, parameters);
  }

  bool mentions_rule(const load::Node& node) const {
    if (node.is_scalar()) {
      return std::any_of(tree_.rules.begin(), tree_.rules.end(),
                         [&](const load::Rule& r) { return r.id == node.scalar; });
    }
    for (const auto& item : node.items) {
      if (mentions_rule(item)) return true;
    }
    for (const auto& [key, value] : node.entries) {
      if (mentions_rule(value)) return true;
    }
    return false;
  }

  const load::SyntaxTree& tree_;
  const check::CheckedPackage& package_;
  Diagnostics& out_;
};

}  // namespace
}  // namespace lint

LintReport lint_package(const std::string& directory, const LintOptions& options) {
  LintReport report;
  report.package = directory;
  Diagnostics& diagnostics = report.diagnostics;
  load::SyntaxTree tree = load::load_package(directory, options.limits, diagnostics);
  if (has_errors(diagnostics)) return report;
  auto package = check::check_package(std::move(tree), options.limits, diagnostics);
  if (has_errors(diagnostics)) return report;
  auto rules = std::make_shared<const RuleSet>(compile::compile_package(package, options.limits));

  Diagnostics errors, warnings;
  lint::Checks checks(package, warnings);
  checks.unused();
  checks.titles_and_basis();
  checks.parameter_gaps();
  lint::check_never_granted(package, rules, warnings, report.tests);
  checks.orphan_tests(options.limits, errors);
  std::stable_sort(warnings.begin(), warnings.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  diagnostics.insert(diagnostics.end(), errors.begin(), errors.end());
  diagnostics.insert(diagnostics.end(), warnings.begin(), warnings.end());
  return report;
}

std::string lint_report_text(const LintReport& report) {
  return format_diagnostics(report.diagnostics);
}

std::string lint_report_json(const LintReport& report) {
  std::string out = fmt::format(R"({{"package":"{}","errors":{},"warnings":{},"diagnostics":[)",
                                json_escape(report.package), report.errors(), report.warnings());
  for (std::size_t i = 0; i < report.diagnostics.size(); ++i) {
    const Diagnostic& d = report.diagnostics[i];
    out += fmt::format(
        R"({}{{"severity":"{}","code":"{}","file":"{}","line":{},"column":{},"message":"{}"}})",
        i ? "," : "", d.severity == Severity::kError ? "error" : "warning", json_escape(d.code),
        json_escape(d.file), d.line, d.column, json_escape(d.message));
  }
  out += R"(],"tests":[)";
  for (std::size_t i = 0; i < report.tests.size(); ++i) {
    const LintTestCase& t = report.tests[i];
    out += fmt::format(R"({}{{"rule":"{}","file":"{}","yaml":"{}"}})", i ? "," : "",
                       json_escape(t.rule), json_escape(t.file_name), json_escape(t.yaml));
  }
  out += "]}";
  return out;
}

}  // namespace entitle
