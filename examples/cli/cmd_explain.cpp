// entitle explain --rules DIR FILE [--rule ID] [--member ID] [--lang zh|en] [--as-of DATE]
//                 [--timeline FROM..TO] [--limit NAME=VALUE]...
#include <cstdio>

#include "cli.hpp"
#include "entitle/explain.hpp"
#include "util/text.hpp"

namespace entitle::cli {

namespace {

struct ExplainArgs {
  std::string rules;
  std::shared_ptr<Limits> limits = std::make_shared<Limits>();
  std::string input;
  std::string rule;
  std::string member;
  std::string lang = "en";
  std::string as_of;
  std::string timeline;
};

// "FROM..TO" with FROM <= TO.
std::optional<std::pair<Date, Date>> parse_window(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos) return std::nullopt;
  auto from = Date::parse(std::string_view(text).substr(0, dots));
  auto to = Date::parse(std::string_view(text).substr(dots + 2));
  if (!from || !to || *to < *from) return std::nullopt;
  return std::pair{*from, *to};
}

int run_explain(const ExplainArgs& args) {
  auto rules = load_rules_or_report(args.rules, *args.limits);
  if (!rules) return kExitBadPackage;
  if (!args.rule.empty() && rules->find_rule(args.rule) < 0) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < rules->rule_count(); ++i)
      ids.push_back(rules->rule(i).id);
    auto hint = closest_name(args.rule, ids);
    std::fprintf(stderr, "entitle: no rule '%s' in %s%s%s%s\n", args.rule.c_str(),
                 args.rules.c_str(), hint ? "; did you mean '" : "", hint ? hint->c_str() : "",
                 hint ? "'?" : "");
    return kExitUsage;
  }
  Facts facts;
  if (!read_household(*rules, args.input, facts)) return kExitBadInput;
  if (!args.member.empty()) {
    bool found = false;
    for (std::size_t m = 0; m < facts.member_count(); ++m)
      found = found || facts.member_id(m) == args.member;
    if (!found) {
      std::fprintf(stderr, "entitle: the household has no member '%s'\n", args.member.c_str());
      return kExitUsage;
    }
  }
  ExplainOptions options;
  options.lang = args.lang;
  options.rule = args.rule;
  options.member = args.member;
  std::string out;
  if (!args.timeline.empty()) {
    auto window = parse_window(args.timeline);
    if (!window) {
      std::fprintf(stderr,
                   "entitle: --timeline expects FROM..TO, two dates YYYY-MM-DD with FROM <= TO, "
                   "found '%s'\n",
                   args.timeline.c_str());
      return kExitUsage;
    }
    Timeline timeline = compute_timeline(rules, facts, window->first, window->second, options);
    if (!timeline.unsupported.empty()) {
      std::fprintf(stderr, "%s\n", timeline.unsupported.c_str());
      return kExitBadPackage;
    }
    out = render_timeline(*rules, facts, timeline, options);
  } else {
    std::optional<Date> as_of = evaluation_date(args.as_of, facts, args.input);
    if (!as_of) return kExitBadInput;
    out = explain_text(rules, facts, *as_of, options);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_explain_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<ExplainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Why each rule is or is not granted to a household, from when, and its timeline");
  cmd->add_option("--rules", args->rules, "Policy package folder")->required();
  add_limit_option(*cmd, args->limits);
  cmd->add_option("FILE", args->input, "Household file (.yaml, .yml or .json), or - for stdin")
      ->required();
  cmd->add_option("--rule", args->rule, "Explain only this rule");
  cmd->add_option("--member", args->member, "Explain only what this member receives");
  cmd->add_option("--lang", args->lang, "Language of the sentences")
      ->check(CLI::IsMember({"zh", "en"}));
  cmd->add_option("--as-of", args->as_of, "Evaluation date (default: the household's as_of)")
      ->check(date_validator());
  cmd->add_option("--timeline", args->timeline,
                  "FROM..TO: the periods over which the entitlements stay the same");
  cmd->callback([&run, args] { run = [args] { return run_explain(*args); }; });
}

}  // namespace entitle::cli
