// The timeline: evaluate on the first day and on each change point, and keep the dates on which
// the household's items differ from the day before.
#include <fmt/format.h>

#include <algorithm>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/explain.hpp"
#include "explain/words.hpp"
#include "render/value_text.hpp"

namespace entitle {

std::vector<TimelineItem> timeline_items(const RuleSet& rules, const Facts& facts,
                                         const Result& result, const ExplainOptions& options) {
  std::vector<TimelineItem> out;
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kGranted && o.outcome != Outcome::kUndetermined) continue;
    if (!options.rule.empty() && rules.rule(o.rule).id != options.rule) continue;
    if (!options.member.empty() && (o.member < 0 || facts.member_id(o.member) != options.member)) {
      continue;
    }
    TimelineItem item;
    item.rule = o.rule;
    item.member = o.member;
    item.outcome = o.outcome;
    if (o.outcome == Outcome::kGranted) {
      item.has_amount = o.has_amount;
      item.has_range = o.has_range;
      item.has_quantity = o.has_quantity;
      item.amount = o.amount;
      item.amount_min = o.amount_min;
      item.amount_max = o.amount_max;
      item.quantity = o.quantity;
    }
    out.push_back(item);
  }
  return out;
}

namespace {

// Of the causes of a change, those about the rules whose items changed: their start or end,
// the parameters they read, and every age or date (those name their member or day).
std::vector<ChangeCause> relevant_causes(const RuleSet& rules,
                                         const std::vector<TimelineItem>& before,
                                         const std::vector<TimelineItem>& after,
                                         const std::vector<ChangeCause>& causes) {
  std::vector<std::uint32_t> changed;
  for (const auto* list : {&before, &after}) {
    const auto& other = list == &before ? after : before;
    for (const auto& item : *list) {
      if (std::find(other.begin(), other.end(), item) == other.end()) changed.push_back(item.rule);
    }
  }
  auto rule_changed = [&](std::int32_t rule) {
    return std::find(changed.begin(), changed.end(), static_cast<std::uint32_t>(rule)) !=
           changed.end();
  };
  std::vector<ChangeCause> out;
  for (const auto& c : causes) {
    bool keep = true;
    if (c.kind == ChangeCause::Kind::kRuleStart || c.kind == ChangeCause::Kind::kRuleEnd) {
      keep = rule_changed(c.index);
    } else if (c.kind == ChangeCause::Kind::kParameter) {
      keep = std::any_of(changed.begin(), changed.end(), [&](std::uint32_t r) {
        const auto& read = rules.impl().rules[r].parameters;
        return std::find(read.begin(), read.end(), c.index) != read.end();
      });
    }
    if (keep) out.push_back(c);
  }
  return out.empty() ? causes : out;
}

}  // namespace

Timeline compute_timeline(const std::shared_ptr<const RuleSet>& rules, const Facts& facts,
                          Date from, Date to, const ExplainOptions& options) {
  Timeline timeline;
  ChangePoints points = change_points(*rules, facts, from, to);
  if (!points.unsupported.empty()) {
    timeline.unsupported = std::move(points.unsupported);
    return timeline;
  }
  Evaluator evaluator(rules);
  TimelinePeriod current;
  current.first = from;
  current.items = timeline_items(*rules, facts, evaluator.evaluate(facts, from), options);
  for (auto& point : points.points) {
    auto items = timeline_items(*rules, facts, evaluator.evaluate(facts, point.date), options);
    if (items == current.items) continue;
    current.last = point.date.plus_days(-1);
    std::vector<ChangeCause> causes = relevant_causes(*rules, current.items, items, point.causes);
    timeline.periods.push_back(std::move(current));
    current = TimelinePeriod{point.date, {}, std::move(items), std::move(causes)};
  }
  current.last = to;
  timeline.periods.push_back(std::move(current));
  return timeline;
}

namespace {

std::string item_text(const RuleSet& rules, const Facts& facts, const TimelineItem& item,
                      const explain::Words& w) {
  std::string out = fmt::format("{} → {}", rules.rule(item.rule).id,
                                explain::recipient_text(facts, item.member, w));
  if (item.outcome == Outcome::kUndetermined)
    return out + fmt::format(" ({})", w.undetermined_mark);
  RuleOutcome o;
  o.rule = item.rule;
  o.has_amount = item.has_amount;
  o.has_range = item.has_range;
  o.has_quantity = item.has_quantity;
  o.amount = item.amount;
  o.amount_min = item.amount_min;
  o.amount_max = item.amount_max;
  o.quantity = item.quantity;
  std::string grant = render::grant_text(rules, o, w.lang);
  return grant.empty() ? out : out + ": " + grant;
}

bool same_recipient(const TimelineItem& a, const TimelineItem& b) {
  return a.rule == b.rule && a.member == b.member;
}

}  // namespace

std::string render_timeline(const RuleSet& rules, const Facts& facts, const Timeline& timeline,
                            const ExplainOptions& options) {
  const explain::Words& w = explain::words(options.lang);
  if (!timeline.unsupported.empty()) return timeline.unsupported + "\n";
  std::string out =
      fmt::format(fmt::runtime(w.timeline_header), fmt::arg("household", facts.household_id()),
                  fmt::arg("from", timeline.periods.front().first.to_string()),
                  fmt::arg("to", timeline.periods.back().last.to_string()),
                  fmt::arg("count", timeline.periods.size()));
  out += '\n';
  const std::vector<TimelineItem>* before = nullptr;
  for (const auto& period : timeline.periods) {
    out += '\n';
    out += fmt::format(fmt::runtime(w.period), fmt::arg("from", period.first.to_string()),
                       fmt::arg("to", period.last.to_string()));
    if (!period.causes.empty()) {
      std::vector<std::string> causes;
      for (const auto& c : period.causes)
        causes.push_back(explain::cause_text(rules, facts, c, period.first, w));
      out += fmt::format(fmt::runtime(w.causes_intro),
                         fmt::arg("causes", fmt::join(causes, w.separator)));
    }
    out += '\n';
    if (!before) {
      for (const auto& item : period.items)
        out += "  " + item_text(rules, facts, item, w) + "\n";
      if (period.items.empty()) out += fmt::format("  {}\n", w.nothing);
    } else {
      // What changed: + gained, − lost, ~ the same rule and recipient with a new value.
      for (const auto& item : period.items) {
        auto it = std::find_if(before->begin(), before->end(),
                               [&](const TimelineItem& b) { return same_recipient(b, item); });
        if (it == before->end()) {
          out += "  + " + item_text(rules, facts, item, w) + "\n";
        } else if (!(*it == item)) {
          out += "  ~ " + item_text(rules, facts, item, w) + "\n";
        }
      }
      for (const auto& item : *before) {
        auto it = std::find_if(period.items.begin(), period.items.end(),
                               [&](const TimelineItem& b) { return same_recipient(b, item); });
        if (it == period.items.end()) out += "  − " + item_text(rules, facts, item, w) + "\n";
      }
    }
    before = &period.items;
  }
  return out;
}

}  // namespace entitle
