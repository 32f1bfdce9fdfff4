#include "entitle/policy_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "entitle/evaluate.hpp"
#include "entitle/render.hpp"
#include "facts/binder.hpp"
#include "load/package_loader.hpp"
#include "policytest/test_files.hpp"
#include "util/text.hpp"

namespace entitle {

int PolicyTestReport::passed() const {
  return static_cast<int>(
      std::count_if(cases.begin(), cases.end(), [](const PolicyTestCase& c) { return c.passed; }));
}

int PolicyTestReport::failed() const {
  return static_cast<int>(cases.size()) - passed() +
         static_cast<int>(std::count_if(diagnostics.begin(), diagnostics.end(), [](const auto& d) {
           return d.severity == Severity::kError;
         }));
}

namespace {

using load::Node;

struct Expectation {
  std::string rule;
  std::optional<std::string> recipient;
  std::optional<Decimal> amount, quantity;
  std::optional<std::vector<std::string>> missing;
  const Node* node = nullptr;
};

class CaseRunner {
 public:
  CaseRunner(std::shared_ptr<const RuleSet> rules, const load::SourceFile& file,
             Diagnostics& diagnostics, const std::string& lang)
      : rules_(std::move(rules)),
        evaluator_(rules_),
        file_(file),
        diagnostics_(diagnostics),
        lang_(lang) {}

  void run_file(const Node& root, std::vector<PolicyTestCase>& out) {
    if (!root.is_map()) {
      error(root, "a test file is a mapping with the key 'tests'");
      return;
    }
    if (!load::report_unknown_keys(file_, root, "a test file", {"tests"}, diagnostics_)) return;
    const Node* tests = root.find("tests");
    if (!tests || !tests->is_sequence()) {
      error(root, "a test file needs 'tests', a list of cases");
      return;
    }
    for (const Node& test : tests->items) {
      auto start = std::chrono::steady_clock::now();
      PolicyTestCase c;
      c.file = file_.path;
      c.line = test.position.line;
      if (!run_case(test, c)) continue;
      c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      out.push_back(std::move(c));
    }
  }

 private:
  void error(const Node& at, std::string message) {
    diagnostics_.push_back(
        load::make_diagnostic(file_, at.position, codes::kBadValue, std::move(message)));
  }

  bool read_expectations(const Node* list, std::string_view what, std::vector<Expectation>& out,
                         std::vector<std::string> allowed) {
    if (!list) return true;
    if (!list->is_sequence()) {
      error(*list, fmt::format("'{}' must be a list", what));
      return false;
    }
    bool ok = true;
    for (const Node& item : list->items) {
      Expectation e;
      e.node = &item;
      if (item.is_scalar()) {
        e.rule = item.scalar;
      } else if (item.is_map()) {
        ok = load::report_unknown_keys(file_, item, fmt::format("an entry of '{}'", what), allowed,
                                       diagnostics_) &&
             ok;
        if (const Node* r = item.find("rule"); r && r->is_scalar()) e.rule = r->scalar;
        if (const Node* r = item.find("recipient"); r && r->is_scalar()) e.recipient = r->scalar;
        for (auto [key, target] :
             {std::pair{"amount", &e.amount}, std::pair{"quantity", &e.quantity}}) {
          if (const Node* a = item.find(key)) {
            auto d = a->is_scalar() ? Decimal::parse(a->scalar) : std::nullopt;
            if (!d) {
              error(*a, fmt::format("'{}' must be an exact number such as \"7000.00\"", key));
              ok = false;
            }
            *target = d;
          }
        }
        if (const Node* m = item.find("missing")) {
          if (!m->is_sequence()) {
            error(*m, "'missing' must be a list of fact paths");
            ok = false;
          } else {
            e.missing.emplace();
            for (const Node& p : m->items)
              e.missing->push_back(p.scalar);
          }
        }
      } else {
        error(item, "an expectation is a rule id or a mapping with 'rule'");
        ok = false;
        continue;
      }
      if (rules_->find_rule(e.rule) < 0) {
        error(item, fmt::format("unknown rule '{}' in this package", e.rule));
        ok = false;
      }
      out.push_back(std::move(e));
    }
    return ok;
  }

  bool matches(const RuleOutcome& o, const Expectation& e) const {
    if (rules_->rule(o.rule).id != e.rule) return false;
    if (!e.recipient) return true;
    if (*e.recipient == "household") return o.member < 0;
    return o.member >= 0 && facts_.member_id(o.member) == *e.recipient;
  }

  std::string who(const Expectation& e) const {
    return e.recipient ? fmt::format("{} → {}", e.rule, *e.recipient) : e.rule;
  }

  bool run_case(const Node& test, PolicyTestCase& c) {
    if (!test.is_map()) {
      error(test, "a test case is a mapping with name, as_of, household and expect");
      return false;
    }
    bool ok = load::report_unknown_keys(
        file_, test, "a test case", {"name", "as_of", "household", "expect", "note"}, diagnostics_);
    const Node* name = test.find("name");
    const Node* as_of = test.find("as_of");
    const Node* household = test.find("household");
    const Node* expect = test.find("expect");
    if (!name || !household || !expect) {
      error(test, "a test case needs 'name', 'household' and 'expect'");
      return false;
    }
    c.name = name->scalar;
    std::optional<Date> date;
    if (as_of) {
      date = Date::parse(as_of->scalar);
      if (!date) {
        error(*as_of, "'as_of' must be a date YYYY-MM-DD");
        return false;
      }
    }
    if (!expect->is_map()) {
      error(*expect, "'expect' must be a mapping");
      return false;
    }
    ok = load::report_unknown_keys(
             file_, *expect, "'expect'",
             {"granted", "not_granted", "undetermined", "only_granted", "totals"}, diagnostics_) &&
         ok;
    std::vector<Expectation> granted, not_granted, undetermined;
    ok = read_expectations(expect->find("granted"), "granted", granted,
                           {"rule", "recipient", "amount", "quantity"}) &&
         ok;
    ok = read_expectations(expect->find("not_granted"), "not_granted", not_granted,
                           {"rule", "recipient"}) &&
         ok;
    ok = read_expectations(expect->find("undetermined"), "undetermined", undetermined,
                           {"rule", "recipient", "missing"}) &&
         ok;
    if (!ok) return false;

    Diagnostics bind_errors;
    if (!facts::bind_node(*rules_, *household,
                          fmt::format("{}: household of '{}'", file_.path, c.name), facts_,
                          bind_errors)) {
      // The household's nodes carry their own positions in this file.
      for (auto& d : bind_errors) {
        if (d.line == 0) d.line = household->position.line;
        d.file = file_.path;
        d.source_line = std::string(file_.line_text(d.line));
        d.message = fmt::format("in the household of '{}': {}", c.name, d.message);
        diagnostics_.push_back(std::move(d));
      }
      return false;
    }
    if (!date) date = facts_.as_of();
    if (!date) {
      error(test, "the case needs 'as_of' (or the household's as_of)");
      return false;
    }
    const Result& result = evaluator_.evaluate(facts_, *date, EvalOptions{true});
    std::vector<const RuleOutcome*> to_explain;
    auto problem = [&](const RuleOutcome* o, std::string text) {
      c.problems.push_back(std::move(text));
      if (o && std::find(to_explain.begin(), to_explain.end(), o) == to_explain.end()) {
        to_explain.push_back(o);
      }
    };
    auto first_outcome = [&](const Expectation& e) -> const RuleOutcome* {
      for (const auto& o : result.outcomes) {
        if (matches(o, e)) return &o;
      }
      return nullptr;
    };
    for (const auto& e : granted) {
      const RuleOutcome* hit = nullptr;
      for (const auto& o : result.outcomes) {
        if (o.outcome == Outcome::kGranted && matches(o, e)) hit = &o;
      }
      if (!hit) {
        problem(first_outcome(e), fmt::format("expected {} to be granted; it was not", who(e)));
        continue;
      }
      if (e.amount && (!hit->has_amount || hit->amount != *e.amount)) {
        problem(hit, fmt::format("expected {} to grant {}; it granted {}", who(e),
                                 e.amount->to_string(2),
                                 hit->has_amount ? hit->amount.to_string(2) : "no amount"));
      }
      if (e.quantity && (!hit->has_quantity || hit->quantity != *e.quantity)) {
        problem(hit, fmt::format("expected {} to grant quantity {}; it granted {}", who(e),
                                 e.quantity->to_string(),
                                 hit->has_quantity ? hit->quantity.to_string() : "none"));
      }
    }
    for (const auto& e : not_granted) {
      for (const auto& o : result.outcomes) {
        if (o.outcome == Outcome::kGranted && matches(o, e)) {
          problem(&o, fmt::format("expected {} not to be granted; it was granted to {}", who(e),
                                  o.member < 0 ? "the household"
                                               : std::string(facts_.member_id(o.member))));
        }
      }
    }
    for (const auto& e : undetermined) {
      const RuleOutcome* hit = nullptr;
      for (const auto& o : result.outcomes) {
        if (o.outcome == Outcome::kUndetermined && matches(o, e)) hit = &o;
      }
      if (!hit) {
        problem(first_outcome(e),
                fmt::format("expected {} to be undetermined; it was decided", who(e)));
        continue;
      }
      if (e.missing) {
        std::vector<std::string> actual;
        for (auto i = hit->missing_begin; i < hit->missing_end; ++i) {
          actual.push_back(missing_path(*rules_, result.missing[i]));
        }
        auto expected = *e.missing;
        std::sort(actual.begin(), actual.end());
        std::sort(expected.begin(), expected.end());
        if (actual != expected) {
          problem(hit, fmt::format("expected {} to miss [{}]; it missed [{}]", who(e),
                                   fmt::join(expected, ", "), fmt::join(actual, ", ")));
        }
      }
    }
    if (const Node* only = expect->find("only_granted"); only && only->scalar == "true") {
      for (const auto& o : result.outcomes) {
        if (o.outcome != Outcome::kGranted) continue;
        bool listed = std::any_of(granted.begin(), granted.end(),
                                  [&](const Expectation& e) { return matches(o, e); });
        if (!listed) {
          problem(&o, fmt::format("{} was granted to {} but is not in 'granted' (only_granted)",
                                  rules_->rule(o.rule).id,
                                  o.member < 0 ? "the household"
                                               : std::string(facts_.member_id(o.member))));
        }
      }
    }
    if (const Node* totals = expect->find("totals")) {
      if (!totals->is_map()) {
        error(*totals, "'totals' must be a mapping");
        return false;
      }
      const Totals& t = result.totals;
      std::pair<std::string_view, Decimal> actual[] = {{"once", t.once},
                                                       {"daily", t.daily},
                                                       {"monthly", t.monthly},
                                                       {"yearly", t.yearly},
                                                       {"per_occasion", t.per_occasion},
                                                       {"annual", t.annual}};
      for (const auto& [key, value] : totals->entries) {
        const std::string& total = key.scalar;  // clang 14 cannot capture a structured binding
        auto it = std::find_if(std::begin(actual), std::end(actual),
                               [&](const auto& p) { return p.first == total; });
        auto want = Decimal::parse(value.scalar);
        if (it == std::end(actual) || !want) {
          error(key, fmt::format("unknown total '{}' or not an exact amount", key.scalar));
          return false;
        }
        if (it->second != *want) {
          problem(nullptr, fmt::format("expected total {} = {}; it was {}", key.scalar,
                                       want->to_string(2), it->second.to_string(2)));
        }
      }
    }
    c.passed = c.problems.empty();
    for (const RuleOutcome* o : to_explain) {
      c.explanation +=
          fmt::format("    {} → {}:\n", rules_->rule(o->rule).id,
                      o->member < 0 ? "household" : std::string(facts_.member_id(o->member)));
      c.explanation += render_trace(*rules_, facts_, result, *o, lang_, 3);
    }
    return true;
  }

  std::shared_ptr<const RuleSet> rules_;
  Evaluator evaluator_;
  Facts facts_;
  const load::SourceFile& file_;
  Diagnostics& diagnostics_;
  std::string lang_;
};

}  // namespace

namespace policytest {

std::vector<std::string> test_files(const std::string& package_directory) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(package_directory) / "tests";
  std::error_code ec;
  std::vector<std::string> paths;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
        paths.push_back(entry.path().string());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace policytest

PolicyTestReport run_policy_tests(std::shared_ptr<const RuleSet> rules,
                                  const std::string& package_directory, const std::string& lang) {
  PolicyTestReport report;
  for (const auto& path : policytest::test_files(package_directory)) {
    load::SourceFile file;
    if (!load::read_source_file(path, rules->limits().max_policy_file_bytes, file,
                                report.diagnostics)) {
      continue;
    }
    std::size_t before = report.diagnostics.size();
    Node root = load::parse_yaml(file, rules->limits(), report.diagnostics);
    if (report.diagnostics.size() != before) continue;
    CaseRunner runner(rules, file, report.diagnostics, lang);
    runner.run_file(root, report.cases);
  }
  return report;
}

std::string policy_report_junit(const PolicyTestReport& report, const std::string& suite_name) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  double total = 0;
  for (const auto& c : report.cases)
    total += c.seconds;
  out += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.6f}\">\n",
                     xml_escape(suite_name), report.cases.size() + report.diagnostics.size(),
                     report.failed(), total);
  for (const auto& c : report.cases) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"",
                       xml_escape(c.file), xml_escape(c.name), c.seconds);
    if (c.passed) {
      out += "/>\n";
      continue;
    }
    out += fmt::format(">\n    <failure message=\"{}\">{}\n{}</failure>\n  </testcase>\n",
                       xml_escape(c.problems.empty() ? "failed" : c.problems.front()),
                       xml_escape(fmt::format("{}", fmt::join(c.problems, "\n"))),
                       xml_escape(c.explanation));
  }
  for (const auto& d : report.diagnostics) {
    out += fmt::format(
        "  <testcase classname=\"{}\" name=\"load {}:{}\">\n    <failure message=\"{}\"/>\n  "
        "</testcase>\n",
        xml_escape(d.file), xml_escape(d.file), d.line, xml_escape(d.message));
  }
  out += "</testsuite>\n";
  return out;
}

}  // namespace entitle
