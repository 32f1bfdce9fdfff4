// make_diff_report: the workers' tallies combined into one report.
#include <algorithm>

#include "diff/worker_state.hpp"

namespace entitle {

namespace {

DiffPackage package(const RuleSet& rules) {
  const PackageInfo& info = rules.info();
  return {info.name, info.version, info.digest, info.directory};
}

// Keeps the first `top` of `all` in the report's order.
std::vector<DiffHousehold> best(std::vector<DiffHousehold> all, bool gains, std::size_t top) {
  std::stable_sort(all.begin(), all.end(), [gains](const auto& a, const auto& b) {
    return diff::ranks_before(a, b, gains);
  });
  if (all.size() > top) all.resize(top);
  return all;
}

}  // namespace

DiffReport make_diff_report(const RuleSet& base, const RuleSet& reform,
                            std::span<const DiffWorker* const> workers, const BatchStats& stats,
                            std::optional<Date> as_of, const DiffOptions& options) {
  DiffReport report;
  report.base = package(base);
  report.reform = package(reform);
  report.currency = reform.info().currency;
  report.as_of = as_of;
  report.records = stats.records;
  report.errors = stats.errors;
  BatchSummary base_summary, reform_summary;
  base_summary.rules.resize(base.rule_count());
  reform_summary.rules.resize(reform.rule_count());
  diff::Distribution annual, once;
  std::vector<DiffHousehold> gains, losses;
  for (const DiffWorker* worker : workers) {
    const DiffWorker::State& s = worker->state();
    base_summary.merge(s.base_summary);
    reform_summary.merge(s.reform_summary);
    report.better_off += s.better_off;
    report.worse_off += s.worse_off;
    report.unchanged += s.unchanged;
    report.unchanged_other += s.unchanged_other;
    report.overflow = report.overflow || s.overflow;
    annual.merge(s.annual);
    once.merge(s.once);
    gains.insert(gains.end(), s.gains.begin(), s.gains.end());
    losses.insert(losses.end(), s.losses.begin(), s.losses.end());
    report.first_errors.insert(report.first_errors.end(), s.first_errors.begin(),
                               s.first_errors.end());
  }
  std::sort(report.first_errors.begin(), report.first_errors.end(),
            [](const auto& a, const auto& b) { return a.line < b.line; });
  if (report.first_errors.size() > options.kept_errors) {
    report.first_errors.resize(options.kept_errors);
  }
  report.households = base_summary.households;
  report.base_once = base_summary.once;
  report.base_annual = base_summary.annual;
  report.reform_once = reform_summary.once;
  report.reform_annual = reform_summary.annual;
  report.overflow = report.overflow || base_summary.overflow || reform_summary.overflow;
  diff::CommonRules common(base, reform);
  for (const auto& entry : common.rules) {
    DiffRule rule;
    rule.id = entry.id;
    const RuleSet& described = entry.reform >= 0 ? reform : base;
    const RuleInfo& info =
        described.rule(static_cast<std::size_t>(entry.reform >= 0 ? entry.reform : entry.base));
    rule.title = info.title.en;
    rule.kind = info.kind;
    rule.period = info.period;
    rule.in_base = entry.base >= 0;
    rule.in_reform = entry.reform >= 0;
    if (rule.in_base) {
      rule.base = base_summary.rules[static_cast<std::size_t>(entry.base)];
      if (base.rule(static_cast<std::size_t>(entry.base)).period == Period::kOnce) {
        rule.base_once = rule.base.amount;
      }
    }
    if (rule.in_reform) {
      rule.reform = reform_summary.rules[static_cast<std::size_t>(entry.reform)];
      if (info.period == Period::kOnce) rule.reform_once = rule.reform.amount;
    }
    report.overflow = report.overflow || rule.base.overflow || rule.reform.overflow;
    report.rules.push_back(std::move(rule));
  }
  report.annual_bins = annual.bins();
  report.once_bins = once.bins();
  report.gains = best(std::move(gains), true, options.top);
  report.losses = best(std::move(losses), false, options.top);
  return report;
}

}  // namespace entitle
