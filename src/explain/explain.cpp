// Plain-language explanations built from the evaluation trace: which conditions decided each
// outcome, with their values, and for conditions that only time can change, the date they will
// hold (found by evaluating on the household's change points, never day by day).
#include <fmt/format.h>

#include <algorithm>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/explain.hpp"
#include "entitle/render.hpp"
#include "explain/words.hpp"
#include "render/value_text.hpp"

namespace entitle {
namespace {

using compile::OpCode;
using explain::Words;

// A result on a later day, with the causes of the change that day.
struct Future {
  Date date;
  std::vector<ChangeCause> causes;
  Result result;
};

class Explainer {
 public:
  Explainer(const std::shared_ptr<const RuleSet>& rules, const Facts& facts, Date as_of,
            const ExplainOptions& options)
      : rules_(rules),
        impl_(rules->impl()),
        facts_(facts),
        as_of_(as_of),
        options_(options),
        w_(explain::words(options.lang)),
        now_(rules),
        later_(rules) {}

  std::string run() {
    const Result& result = now_.evaluate(facts_, as_of_, EvalOptions{true, true});
    const PackageInfo& info = rules_->info();
    std::string out =
        fmt::format(fmt::runtime(w_.header), fmt::arg("household", facts_.household_id()),
                    fmt::arg("date", as_of_.to_string()), fmt::arg("name", info.name),
                    fmt::arg("version", info.version));
    out += '\n';
    int member = -1;
    if (!options_.member.empty()) {
      for (std::size_t m = 0; m < facts_.member_count(); ++m) {
        if (facts_.member_id(m) == options_.member) member = static_cast<int>(m);
      }
    }
    for (std::uint32_t r = 0; r < rules_->rule_count(); ++r) {
      const RuleInfo& rule = rules_->rule(r);
      if (!options_.rule.empty() && rule.id != options_.rule) continue;
      std::vector<const RuleOutcome*> chosen;
      bool rule_level = false;
      for (const auto& o : result.outcomes) {
        if (o.rule != r) continue;
        if (o.member < 0 && rule.for_each_member) rule_level = true;
        if (member >= 0 && o.member != member && !(o.member < 0 && rule.for_each_member)) continue;
        chosen.push_back(&o);
      }
      if (member >= 0 && !rule.for_each_member) continue;
      out += fmt::format("\n{}\n", explain::rule_text(*rules_, r, w_));
      if (chosen.empty() && member >= 0 && !rule_level) {
        // The member did not pass the recipient filter, so the evaluator recorded nothing.
        out += "  " + not_recipient(r, member) + "\n";
      }
      for (const RuleOutcome* o : chosen) {
        out += "  " + sentence(result, *o) + "\n";
        std::string when = when_text(result, *o);
        if (!when.empty()) out += "    " + when + "\n";
      }
    }
    return out;
  }

 private:
  // ---- conditions ----------------------------------------------------------------------

  OpCode op(const Result& r, std::uint32_t t) const { return impl_.nodes[r.trace[t].source].op; }

  std::vector<std::uint32_t> children(const Result& r, std::uint32_t t) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t c = r.trace[t].first_child; c != kNoTrace; c = r.trace[c].next_sibling)
      out.push_back(c);
    return out;
  }

  // The conditions that make node t have `value` (true: it holds; false: it fails), descending
  // through `and`, `or` and `all:`/`any:` only.
  void leaves(const Result& r, std::uint32_t t, bool value, std::vector<std::uint32_t>& out) {
    OpCode o = op(r, t);
    if (o == OpCode::kAnd || (o == OpCode::kOr && value)) {
      for (std::uint32_t c : children(r, t)) {
        const Value& v = r.trace[c].value;
        if (v.kind != ValueKind::kBool || v.as_bool() != value) continue;
        leaves(r, c, value, out);
        if (o == OpCode::kOr) return;  // one reason suffices
      }
      return;
    }
    out.push_back(t);
  }

  void unknown_leaves(const Result& r, std::uint32_t t, std::vector<std::uint32_t>& out) {
    OpCode o = op(r, t);
    if (o == OpCode::kAnd || o == OpCode::kOr) {
      for (std::uint32_t c : children(r, t)) {
        if (r.trace[c].value.is_unknown()) unknown_leaves(r, c, out);
      }
      return;
    }
    out.push_back(t);
  }

  // The condition as written (YAML structures spelt out).
  std::string text(const Result& r, std::uint32_t t) const {
    const auto& info = impl_.node_info[r.trace[t].source];
    if (!info.structured) return info.text;
    std::vector<std::string> parts;
    for (std::uint32_t c : children(r, t))
      parts.push_back(text(r, c));
    if (op(r, t) == OpCode::kNot) return fmt::format("not ({})", fmt::join(parts, "; "));
    return fmt::format("{} ({})", op(r, t) == OpCode::kAnd ? "all of" : "any of",
                       fmt::join(parts, "; "));
  }

  // What decided a condition: operand values, or the meaning of a fact or definition.
  std::string detail(const Result& r, std::uint32_t t) const {
    const TraceNode& node = r.trace[t];
    OpCode o = op(r, t);
    const Bilingual* meaning = nullptr;
    const auto& n = impl_.nodes[node.source];
    if (o == OpCode::kHouseholdFact) meaning = &impl_.household_fields[n.a].description;
    if (o == OpCode::kMemberFact) meaning = &impl_.member_fields[n.a].description;
    if (o == OpCode::kHouseholdDefinition || o == OpCode::kMemberDefinition) {
      meaning = &impl_.definitions[n.a].description;
    }
    std::string out;
    if (meaning) {
      if (meaning->in(w_.lang) != impl_.node_info[node.source].text) out = meaning->in(w_.lang);
    } else if (o == OpCode::kNot && node.first_child != kNoTrace) {
      out = render::operand_values(impl_, r.trace, r.trace[node.first_child], w_.since);
    } else {
      out = render::operand_values(impl_, r.trace, node, w_.since);
    }
    if (out.empty()) return out;
    return fmt::format(fmt::runtime(w_.lang == "zh" ? "（{}）" : " ({})"), out);
  }

  // The condition as written, with the member it is about when that is not the recipient.
  std::string subject(const Result& r, std::uint32_t t, std::int32_t recipient) const {
    const TraceNode& node = r.trace[t];
    if (node.member >= 0 && node.member != recipient) {
      return fmt::format("[{}] {}", facts_.member_id(node.member), text(r, t));
    }
    return text(r, t);
  }

  std::string verdict(const Result& r, std::uint32_t t, std::int32_t recipient) const {
    const Value& v = r.trace[t].value;
    if (op(r, t) == OpCode::kOr && v.is_false()) {
      std::vector<std::string> items;
      for (std::uint32_t c : children(r, t))
        items.push_back(subject(r, c, recipient) + detail(r, c));
      return fmt::format(fmt::runtime(w_.none_of),
                         fmt::arg("items", fmt::join(items, w_.separator)));
    }
    std::string_view pattern = v.is_true() ? w_.holds : v.is_false() ? w_.fails : w_.unknown;
    return fmt::format(fmt::runtime(pattern), fmt::arg("text", subject(r, t, recipient))) +
           detail(r, t);
  }

  std::string reasons(const Result& r, const std::vector<std::uint32_t>& leaves_of,
                      std::int32_t recipient) const {
    std::vector<std::string> parts;
    for (std::uint32_t t : leaves_of)
      parts.push_back(verdict(r, t, recipient));
    return fmt::format("{}", fmt::join(parts, w_.separator));
  }

  std::string filter_text(std::uint32_t rule) const {
    std::uint32_t filter = impl_.rules[rule].filter;
    return filter == compile::kNoNode ? "member" : "member where " + impl_.node_info[filter].text;
  }

  std::string not_recipient(std::uint32_t rule, int member) const {
    bool zh = w_.lang == "zh";
    return fmt::format(
        fmt::runtime(zh ? "{}：不是该项目的受益对象（{}）。" : "{}: not a recipient ({})."),
        facts_.member_id(member), filter_text(rule));
  }

  std::string sentence(const Result& r, const RuleOutcome& o) {
    std::string who = explain::recipient_text(facts_, o.member, w_);
    const RuleInfo& rule = rules_->rule(o.rule);
    switch (o.outcome) {
      case Outcome::kGranted: {
        std::vector<std::uint32_t> why;
        if (o.condition_trace != kNoTrace) leaves(r, o.condition_trace, true, why);
        std::string grant = render::grant_text(*rules_, o, w_.lang);
        return fmt::format(fmt::runtime(grant.empty() ? w_.granted_plain : w_.granted),
                           fmt::arg("who", who), fmt::arg("grant", grant),
                           fmt::arg("reasons", reasons(r, why, o.member)));
      }
      case Outcome::kNotGranted:
        switch (o.reason) {
          case NotGrantedReason::kNotInEffect:
            if (rule.effective_from && as_of_ < *rule.effective_from) {
              return fmt::format(fmt::runtime(w_.not_yet),
                                 fmt::arg("date", rule.effective_from->to_string()));
            }
            return fmt::format(fmt::runtime(w_.ended),
                               fmt::arg("date", rule.effective_until->to_string()));
          case NotGrantedReason::kNoRecipient:
            return fmt::format(fmt::runtime(w_.no_recipient),
                               fmt::arg("filter", filter_text(o.rule)));
          default: {
            std::vector<std::uint32_t> why;
            if (o.condition_trace != kNoTrace) leaves(r, o.condition_trace, false, why);
            return fmt::format(fmt::runtime(w_.not_granted), fmt::arg("who", who),
                               fmt::arg("reasons", reasons(r, why, o.member)));
          }
        }
      case Outcome::kUndetermined: {
        std::vector<std::string> paths;
        for (auto i = o.missing_begin; i < o.missing_end; ++i)
          paths.push_back(missing_path(*rules_, r.missing[i]));
        std::vector<std::uint32_t> open;
        for (std::uint32_t root : {o.filter_trace, o.condition_trace}) {
          if (root != kNoTrace && r.trace[root].value.is_unknown()) unknown_leaves(r, root, open);
        }
        std::vector<std::string> conditions;
        for (std::uint32_t t : open)
          conditions.push_back(text(r, t));
        std::string needed;
        if (!conditions.empty()) {
          needed = fmt::format(fmt::runtime(w_.needed_by),
                               fmt::arg("conditions", fmt::join(conditions, w_.separator)));
        }
        return fmt::format(fmt::runtime(w_.undetermined), fmt::arg("who", who),
                           fmt::arg("facts", fmt::join(paths, ", ")),
                           fmt::arg("conditions", needed));
      }
      case Outcome::kError:
        return fmt::format(fmt::runtime(w_.error), fmt::arg("who", who),
                           fmt::arg("error", render::error_name(o.error)));
    }
    return {};
  }

  // ---- when ----------------------------------------------------------------------------

  // Evaluates on every change point within the horizon, once per explanation.
  const std::vector<Future>& futures() {
    if (futures_computed_) return futures_;
    futures_computed_ = true;
    int year = std::min(as_of_.year() + options_.horizon_years, Date::kMaxYear);
    Date horizon = *Date::from_ymd(year, 12, 31);
    if (horizon <= as_of_) return futures_;
    ChangePoints points = change_points(*rules_, facts_, as_of_, horizon);
    for (auto& p : points.points) {
      futures_.push_back(
          {p.date, std::move(p.causes), later_.evaluate(facts_, p.date, EvalOptions{true, true})});
    }
    return futures_;
  }

  static const RuleOutcome* find_outcome(const Result& r, std::uint32_t rule, std::int32_t member,
                                         bool granted_only) {
    for (const auto& o : r.outcomes) {
      if (o.rule != rule || (member >= 0 && o.member != member)) continue;
      if (granted_only && o.outcome != Outcome::kGranted) continue;
      return &o;
    }
    return nullptr;
  }

  // The node for the same expression and member as `leaf` in another evaluation's trace.
  static std::uint32_t find_node(const Result& r, std::uint32_t t, const TraceNode& leaf) {
    if (t == kNoTrace) return kNoTrace;
    if (r.trace[t].source == leaf.source && r.trace[t].member == leaf.member) return t;
    for (std::uint32_t c = r.trace[t].first_child; c != kNoTrace; c = r.trace[c].next_sibling) {
      std::uint32_t found = find_node(r, c, leaf);
      if (found != kNoTrace) return found;
    }
    return kNoTrace;
  }

  // The causes of the change on f.date that concern `rule` for `member`: that member's dates,
  // the rule's start, the parameters it reads, dates as_of() is compared with. All of them when
  // none does.
  std::string causes_text(const Future& f, std::uint32_t rule, std::int32_t member) const {
    using Kind = ChangeCause::Kind;
    const auto& read = impl_.rules[rule].parameters;
    std::vector<const ChangeCause*> chosen;
    for (const auto& c : f.causes) {
      bool about = false;
      switch (c.kind) {
        case Kind::kAge:
        case Kind::kMonths:
          about = member < 0 || c.member == member || c.member < 0;
          break;
        case Kind::kRuleStart:
        case Kind::kRuleEnd:
          about = c.index == static_cast<std::int32_t>(rule);
          break;
        case Kind::kParameter:
          about = std::find(read.begin(), read.end(), c.index) != read.end();
          break;
        case Kind::kDate:
          about = true;
          break;
      }
      if (about) chosen.push_back(&c);
    }
    if (chosen.empty()) {
      for (const auto& c : f.causes)
        chosen.push_back(&c);
    }
    std::vector<std::string> parts;
    for (const ChangeCause* c : chosen)
      parts.push_back(explain::cause_text(*rules_, facts_, *c, f.date, w_));
    return fmt::format("{}", fmt::join(parts, w_.and_word));
  }

  std::string when_text(const Result& r, const RuleOutcome& o) {
    if (o.outcome != Outcome::kNotGranted) return {};
    const RuleInfo& rule = rules_->rule(o.rule);
    if (o.reason == NotGrantedReason::kNotInEffect && rule.effective_until &&
        as_of_ > *rule.effective_until) {
      return {};
    }
    const auto& later = futures();
    std::size_t granted = later.size();
    for (std::size_t i = 0; i < later.size() && granted == later.size(); ++i) {
      if (find_outcome(later[i].result, o.rule, o.member, true)) granted = i;
    }
    const std::string& rule_name = rule.id;
    std::vector<std::string> sentences;
    bool told_grant = false;
    if (o.reason == NotGrantedReason::kConditionFalse && o.condition_trace != kNoTrace) {
      std::vector<std::uint32_t> failing;
      leaves(r, o.condition_trace, false, failing);
      std::vector<std::pair<std::size_t, std::uint32_t>> resolved;  // (future, leaf)
      for (std::uint32_t leaf : failing) {
        std::size_t last = std::min(granted + 1, later.size());
        for (std::size_t i = 0; i < last; ++i) {
          const RuleOutcome* then = find_outcome(later[i].result, o.rule, o.member, false);
          if (!then) continue;
          std::uint32_t node = find_node(later[i].result, then->condition_trace, r.trace[leaf]);
          if (node != kNoTrace && later[i].result.trace[node].value.is_true()) {
            resolved.emplace_back(i, leaf);
            break;
          }
        }
      }
      std::stable_sort(resolved.begin(), resolved.end());
      std::string who = explain::recipient_text(facts_, o.member, w_);
      for (auto [i, leaf] : resolved) {
        std::string s = causes_text(later[i], o.rule, o.member);
        if (i == granted) {
          s += fmt::format(fmt::runtime(w_.qualifies), fmt::arg("who", who),
                           fmt::arg("rule", rule_name));
          told_grant = true;
        } else {
          s += fmt::format(fmt::runtime(w_.then_holds), fmt::arg("text", text(r, leaf)));
          s += granted < later.size()
                   ? fmt::format(fmt::runtime(w_.qualifies_later), fmt::arg("who", who),
                                 fmt::arg("rule", rule_name),
                                 fmt::arg("date", later[granted].date.to_string()))
                   : fmt::format(fmt::runtime(w_.not_enough), fmt::arg("rule", rule_name));
          told_grant = told_grant || granted < later.size();
        }
        sentences.push_back(s);
      }
    }
    if (!told_grant && granted < later.size()) {
      std::vector<std::string> who;
      for (const auto& g : later[granted].result.outcomes) {
        if (g.rule == o.rule && g.outcome == Outcome::kGranted &&
            (o.member < 0 || g.member == o.member)) {
          who.push_back(explain::recipient_text(facts_, g.member, w_));
        }
      }
      sentences.push_back(fmt::format(
          fmt::runtime(w_.qualifies_from), fmt::arg("date", later[granted].date.to_string()),
          fmt::arg("causes", causes_text(later[granted], o.rule, o.member)),
          fmt::arg("who", fmt::join(who, ", ")), fmt::arg("rule", rule_name)));
    }
    if (sentences.empty()) return {};
    std::string joined = fmt::format("{}", fmt::join(sentences, w_.lang == "zh" ? "。" : ". "));
    if (w_.lang != "zh" && joined.back() != '.') joined += '.';
    if (w_.lang == "zh" && joined.substr(joined.size() - 3) != "。") joined += "。";
    return fmt::format(fmt::runtime(w_.when), fmt::arg("sentences", joined));
  }

  std::shared_ptr<const RuleSet> rules_;
  const RuleSet::Impl& impl_;
  const Facts& facts_;
  Date as_of_;
  const ExplainOptions& options_;
  const Words& w_;
  Evaluator now_, later_;
  bool futures_computed_ = false;
  std::vector<Future> futures_;
};

}  // namespace

std::string explain_text(const std::shared_ptr<const RuleSet>& rules, const Facts& facts,
                         Date as_of, const ExplainOptions& options) {
  return Explainer(rules, facts, as_of, options).run();
}

}  // namespace entitle
