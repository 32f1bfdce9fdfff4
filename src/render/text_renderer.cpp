// The report for people, in Chinese or English, with the explanation trace as indented lines:
//   ✓ age >= elderly_age   (age = 61; elderly_age = 60 since 2012-08-01)
#include <fmt/format.h>

#include "compile/program.hpp"
#include "entitle/render.hpp"
#include "render/value_text.hpp"
#include "util/text.hpp"

namespace entitle {
namespace {

using compile::OpCode;
using render::money_text;

struct Words {
  std::string_view granted, not_granted, undetermined, errors, totals, missing, since, household,
      as_of, ruleset, once, daily, monthly, yearly, per_occasion, annual, not_in_effect,
      no_recipient, nothing, basis, occasions, error;
};

constexpr Words kEnglish{"Granted",
                         "Not granted",
                         "Undetermined",
                         "Errors",
                         "Totals",
                         "missing",
                         "since",
                         "Household",
                         "as of",
                         "rule set",
                         "once",
                         "daily",
                         "monthly",
                         "yearly",
                         "per occasion",
                         "annual",
                         "not in effect on this date",
                         "no member qualifies as recipient",
                         "(none)",
                         "basis",
                         "occasions",
                         "error"};
constexpr Words kChinese{"享受",
                         "不享受",
                         "待定（缺少信息）",
                         "错误",
                         "合计",
                         "缺少",
                         "自",
                         "家庭",
                         "评估日期",
                         "政策包",
                         "一次性",
                         "每天",
                         "每月",
                         "每年",
                         "每次",
                         "年度合计",
                         "该日期不在有效期内",
                         "没有符合条件的受益成员",
                         "（无）",
                         "依据",
                         "场合",
                         "错误"};

const Words& words(std::string_view lang) {
  return lang == "zh" ? kChinese : kEnglish;
}

std::string_view period_word(Period p, const Words& w) {
  switch (p) {
    case Period::kOnce:
      return w.once;
    case Period::kDaily:
      return w.daily;
    case Period::kMonthly:
      return w.monthly;
    case Period::kYearly:
      return w.yearly;
    case Period::kPerOccasion:
      return w.per_occasion;
    case Period::kNone:
      break;
  }
  return "";
}

std::string_view mark(const Value& v) {
  if (v.is_true()) return "✓";
  if (v.is_false()) return "✗";
  if (v.is_unknown()) return "?";
  if (v.is_error()) return "!";
  return "=";
}

bool is_reference(OpCode op) {
  return op == OpCode::kHouseholdFact || op == OpCode::kMemberFact ||
         op == OpCode::kHouseholdDefinition || op == OpCode::kMemberDefinition ||
         op == OpCode::kParameter;
}

bool is_aggregate(OpCode op) {
  return op == OpCode::kCount || op == OpCode::kAny || op == OpCode::kAll || op == OpCode::kSum ||
         op == OpCode::kMin || op == OpCode::kMax;
}

bool is_definition(OpCode op) {
  return op == OpCode::kHouseholdDefinition || op == OpCode::kMemberDefinition;
}

// A trace node shown whole by one line: no logical structure, definition or aggregation below.
bool is_simple(const RuleSet::Impl& impl, const std::vector<TraceNode>& trace,
               std::uint32_t index) {
  OpCode op = impl.nodes[trace[index].source].op;
  if (op == OpCode::kNot) {
    std::uint32_t c = trace[index].first_child;
    return c != kNoTrace && !is_definition(impl.nodes[trace[c].source].op) &&
           is_simple(impl, trace, c);
  }
  return op != OpCode::kAnd && op != OpCode::kOr && op != OpCode::kIf && !is_definition(op) &&
         !is_aggregate(op);
}

class TraceWriter {
 public:
  // One writer per outcome: a shared definition subtree (see TraceNode) is expanded where it
  // first appears; later uses show the definition's value only.
  TraceWriter(const RuleSet& rules, const Facts& facts, const Result& result, std::string_view lang)
      : impl_(rules.impl()),
        facts_(facts),
        result_(result),
        words_(words(lang)),
        expanded_(result.trace.size(), 0) {}

  // Lines for trace node `index` and the children worth showing. A node is labelled with its
  // member's id when that differs from `parent_member` (kEveryMember: always).
  static constexpr std::int32_t kEveryMember = -2;
  void node(std::string& out, std::uint32_t index, int indent, std::int32_t parent_member) {
    const TraceNode& t = result_.trace[index];
    bool again = expanded_[index] != 0;
    expanded_[index] = 1;
    const auto& info = impl_.node_info[t.source];
    const auto& compiled = impl_.nodes[t.source];
    out.append(static_cast<std::size_t>(indent) * 2, ' ');
    if (t.member >= 0 && t.member != parent_member) {
      out += fmt::format("[{}] ", facts_.member_id(t.member));
    }
    bool boolean = info.type == load::TypeKind::kBool || t.value.is_unknown() || t.value.is_error();
    if (boolean) {
      out += fmt::format("{} {}", mark(t.value), info.text);
      if (t.value.is_error()) out += fmt::format(" ({})", render::value_text(t.value, info));
    } else {
      out += fmt::format("= {} = {}", info.text, render::value_text(t.value, info));
    }
    // A definition whose expression is one simple condition reads best on one line:
    //   ✓ is_child ≡ role == "child"   (role = child)
    if (!again && is_definition(compiled.op) && t.first_child != kNoTrace &&
        is_simple(impl_, result_.trace, t.first_child)) {
      const TraceNode& child = result_.trace[t.first_child];
      expanded_[t.first_child] = 1;
      out += fmt::format(" ≡ {}", impl_.node_info[child.source].text);
      std::string operands = render::operand_values(impl_, result_.trace, child, words_.since);
      if (!operands.empty()) out += fmt::format("   ({})", operands);
      out += '\n';
      return;
    }
    std::string operands = render::operand_values(impl_, result_.trace, t, words_.since);
    if (!operands.empty()) out += fmt::format("   ({})", operands);
    if (t.parameter >= 0) out += fmt::format("   ({} {})", words_.since, t.since.to_string());
    out += '\n';
    if (again) return;
    // Children worth a line of their own: logical structure and definitions; the operands of
    // a comparison are already shown inline.
    bool simple_not = compiled.op == OpCode::kNot && is_simple(impl_, result_.trace, t.first_child);
    if (compiled.op == OpCode::kAnd || compiled.op == OpCode::kOr ||
        (compiled.op == OpCode::kNot && !simple_not) || compiled.op == OpCode::kIf ||
        compiled.op == OpCode::kHouseholdDefinition || compiled.op == OpCode::kMemberDefinition ||
        is_aggregate(compiled.op)) {
      for (std::uint32_t c = t.first_child; c != kNoTrace; c = result_.trace[c].next_sibling) {
        bool is_filter =
            is_aggregate(compiled.op) && result_.trace[c].source == impl_.args[compiled.first_arg];
        if (is_filter && result_.trace[c].value.is_false() && !t.value.is_unknown()) {
          continue;  // a member the filter left out (a false value is shown: it may decide)
        }
        // Each member an aggregation looks at is named, the recipient too.
        node(out, c, indent + 1, is_aggregate(compiled.op) ? kEveryMember : t.member);
      }
    }
  }

 private:
  const RuleSet::Impl& impl_;
  const Facts& facts_;
  const Result& result_;
  const Words& words_;
  std::vector<std::uint8_t> expanded_;
};

std::string recipient_name(const Facts& facts, std::int32_t member, const Words& w) {
  return member < 0 ? std::string(w.household) : std::string(facts.member_id(member));
}

}  // namespace

namespace render {

std::string operand_values(const RuleSet::Impl& impl, const std::vector<TraceNode>& trace,
                           const TraceNode& t, std::string_view since) {
  const auto& compiled = impl.nodes[t.source];
  if (compiled.op == OpCode::kAnd || compiled.op == OpCode::kOr || is_aggregate(compiled.op) ||
      is_definition(compiled.op)) {
    return {};
  }
  // `not x` shows x's value when x is simple (`not deceased   (deceased = false)`).
  if (compiled.op == OpCode::kNot && !is_simple(impl, trace, t.first_child)) return {};
  std::string out;
  for (std::uint32_t c = t.first_child; c != kNoTrace; c = trace[c].next_sibling) {
    const TraceNode& child = trace[c];
    const auto& op = impl.nodes[child.source].op;
    if (op == OpCode::kConst) continue;
    const auto& info = impl.node_info[child.source];
    if (!out.empty()) out += "; ";
    out += fmt::format("{} = {}", info.text, value_text(child.value, info));
    if (child.parameter >= 0) out += fmt::format(" {} {}", since, child.since.to_string());
    if (!is_reference(op)) {
      std::string inner = operand_values(impl, trace, child, since);
      if (!inner.empty()) out += fmt::format(" [{}]", inner);
    }
  }
  return out;
}

std::string grant_text(const RuleSet& rules, const RuleOutcome& o, std::string_view lang) {
  const Words& w = words(lang);
  const RuleInfo& rule = rules.rule(o.rule);
  const std::string& currency = rules.info().currency;
  std::string out;
  if (o.has_amount) {
    out = fmt::format("{} {} {}", money_text(o.amount), currency, period_word(rule.period, w));
  } else if (o.has_range) {
    out = fmt::format("{}–{} {} {}", money_text(o.amount_min), money_text(o.amount_max), currency,
                      period_word(rule.period, w));
  } else if (o.has_quantity) {
    out = fmt::format("{} {}", o.quantity.to_string(), rule.unit);
  }
  if (!rule.occasions.empty()) {
    out += fmt::format(" ({}: {})", w.occasions, fmt::join(rule.occasions, ", "));
  }
  return out;
}

}  // namespace render

std::string render_trace(const RuleSet& rules, const Facts& facts, const Result& result,
                         const RuleOutcome& outcome, std::string_view lang, int indent) {
  std::string out;
  TraceWriter writer(rules, facts, result, lang);
  if (outcome.filter_trace != kNoTrace)
    writer.node(out, outcome.filter_trace, indent, outcome.member);
  if (outcome.condition_trace != kNoTrace) {
    writer.node(out, outcome.condition_trace, indent, outcome.member);
  }
  return out;
}

std::string render_text(const RuleSet& rules, const Facts& facts, const Result& result,
                        const RenderOptions& options) {
  const Words& w = words(options.lang);
  const PackageInfo& package = rules.info();
  std::string out =
      fmt::format("{} {} — {} {} — {} {} {}\n", w.household, result.household_id, w.as_of,
                  result.as_of.to_string(), w.ruleset, package.name, package.version);
  auto section = [&](Outcome kind, std::string_view heading) {
    bool any = false;
    for (const auto& o : result.outcomes) {
      if (o.outcome != kind) continue;
      if (kind == Outcome::kNotGranted && !options.not_granted) continue;
      if (!any) out += fmt::format("\n{}\n", heading);
      any = true;
      const RuleInfo& rule = rules.rule(o.rule);
      std::string who = recipient_name(facts, o.member, w);
      if (o.reason == NotGrantedReason::kNoRecipient) who = "—";
      out += fmt::format("  {} {} → {}: {}",
                         kind == Outcome::kGranted        ? "✓"
                         : kind == Outcome::kNotGranted   ? "✗"
                         : kind == Outcome::kUndetermined ? "?"
                                                          : "!",
                         rule.id, who, rule.title.in(options.lang));
      if (kind == Outcome::kGranted) {
        std::string grant = render::grant_text(rules, o, options.lang);
        if (!grant.empty()) out += fmt::format(" — {}", grant);
        out += fmt::format(" [{}: {} {}]", w.basis, rule.basis_source, rule.basis_clause);
      }
      if (kind == Outcome::kUndetermined) {
        std::vector<std::string> paths;
        for (auto i = o.missing_begin; i < o.missing_end; ++i) {
          paths.push_back(missing_path(rules, result.missing[i]));
        }
        out += fmt::format(" — {}: {}", w.missing, fmt::join(paths, ", "));
      }
      if (kind == Outcome::kError) out += fmt::format(" — {}", render::error_name(o.error));
      if (o.reason == NotGrantedReason::kNotInEffect) out += fmt::format(" — {}", w.not_in_effect);
      if (o.reason == NotGrantedReason::kNoRecipient) out += fmt::format(" — {}", w.no_recipient);
      out += '\n';
      if (options.explain) out += render_trace(rules, facts, result, o, options.lang, 3);
    }
    if (!any && kind == Outcome::kGranted) out += fmt::format("\n{}\n  {}\n", heading, w.nothing);
  };
  section(Outcome::kGranted, w.granted);
  section(Outcome::kUndetermined, w.undetermined);
  section(Outcome::kError, w.errors);
  section(Outcome::kNotGranted, w.not_granted);
  const Totals& t = result.totals;
  out += fmt::format("\n{}: {} {}, {} {}, {} {}, {} {} {}\n", w.totals, w.once, money_text(t.once),
                     w.monthly, money_text(t.monthly), w.per_occasion, money_text(t.per_occasion),
                     w.annual, money_text(t.annual), package.currency);
  // Household ids, member ids and string facts are the applicant's text: keep them from
  // driving the terminal the report is read on.
  return printable(out, /*keep_newlines=*/true);
}

}  // namespace entitle
