#include "explain/words.hpp"

#include <fmt/format.h>

#include "render/value_text.hpp"

namespace entitle::explain {

namespace {

constexpr Words kEnglish{
    "en",
    "Household {household} — as of {date} — rule set {name} {version}",
    "the household",
    "{who}: granted ({grant}) because {reasons}.",
    "{who}: granted because {reasons}.",
    "{who}: not granted because {reasons}.",
    "{who}: undetermined because these facts are missing: {facts}{conditions}.",
    " (needed by {conditions})",
    "{who}: could not be decided: {error}.",
    "not granted: no member of the household is a recipient ({filter}).",
    "not granted: the rule takes effect on {date}.",
    "not granted: the rule ended on {date}.",
    "{text} holds",
    "{text} does not hold",
    "{text} is unknown",
    "none of [{items}] holds",
    "; ",
    "since",
    "When: {sentences}",
    "{who} turns {years} on {date}",
    "on {date}, {count} months have passed since {who}'s {field}",
    "{name} becomes {value} on {date}",
    "{name} has no value from {date}",
    "{rule} takes effect on {date}",
    "{rule} ends after {date}",
    "{date} is reached",
    " and ",
    "; from that day {text} holds",
    "; from that day {who} qualifies for {rule}",
    "; {who} qualifies for {rule} from {date}",
    ", but that alone does not grant {rule}",
    "From {date} ({causes}), {rule} is granted to {who}",
    "Timeline of household {household} from {from} to {to}: {count} period(s)",
    "{from} to {to}",
    "(nothing granted)",
    " — {causes}",
    "undetermined",
};

constexpr Words kChinese{
    "zh",
    "家庭 {household} — 评估日期 {date} — 政策包 {name} {version}",
    "家庭",
    "{who}：享受（{grant}），因为 {reasons}。",
    "{who}：享受，因为 {reasons}。",
    "{who}：不享受，因为 {reasons}。",
    "{who}：待定，因为缺少以下信息：{facts}{conditions}。",
    "（涉及条件：{conditions}）",
    "{who}：无法判定：{error}。",
    "不享受：家庭中没有成员符合受益对象条件（{filter}）。",
    "不享受：该项目自 {date} 起施行。",
    "不享受：该项目已于 {date} 终止。",
    "{text} 成立",
    "{text} 不成立",
    "{text} 未知",
    "[{items}] 均不成立",
    "；",
    "自",
    "何时：{sentences}",
    "{who} 于 {date} 年满 {years} 周岁",
    "{date} 起距 {who} 的 {field} 满 {count} 个月",
    "{name} 自 {date} 起为 {value}",
    "{name} 自 {date} 起无取值",
    "{rule} 自 {date} 起施行",
    "{rule} 于 {date} 后终止",
    "到达 {date}",
    "，且",
    "；自该日起 {text} 成立",
    "；自该日起 {who} 可享受 {rule}",
    "；{who} 自 {date} 起可享受 {rule}",
    "，但仅此仍不能享受 {rule}",
    "自 {date} 起（{causes}），{who} 可享受 {rule}",
    "家庭 {household} 自 {from} 至 {to} 的时间线：共 {count} 个时段",
    "{from} 至 {to}",
    "（无享受项目）",
    " — {causes}",
    "待定",
};

}  // namespace

const Words& words(std::string_view lang) {
  return lang == "zh" ? kChinese : kEnglish;
}

std::string recipient_text(const Facts& facts, std::int32_t member, const Words& w) {
  return member < 0 ? std::string(w.household) : std::string(facts.member_id(member));
}

std::string rule_text(const RuleSet& rules, std::uint32_t rule, const Words& w) {
  const RuleInfo& info = rules.rule(rule);
  return w.lang == "zh" ? fmt::format("{}（{}）", info.id, info.title.zh)
                        : fmt::format("{} ({})", info.id, info.title.en);
}

std::string cause_text(const RuleSet& rules, const Facts& facts, const ChangeCause& cause,
                       Date date, const Words& w) {
  const RuleSet::Impl& impl = rules.impl();
  using Kind = ChangeCause::Kind;
  auto field_name = [&] {
    if (cause.field < 0) return std::string("date");
    return cause.member >= 0 ? impl.member_fields[cause.field].name
                             : impl.household_fields[cause.field].name;
  };
  switch (cause.kind) {
    case Kind::kAge:
      return fmt::format(fmt::runtime(w.turns),
                         fmt::arg("who", recipient_text(facts, cause.member, w)),
                         fmt::arg("years", cause.count), fmt::arg("date", date.to_string()));
    case Kind::kMonths:
      return fmt::format(fmt::runtime(w.months), fmt::arg("count", cause.count),
                         fmt::arg("field", field_name()),
                         fmt::arg("who", recipient_text(facts, cause.member, w)),
                         fmt::arg("date", date.to_string()));
    case Kind::kParameter: {
      const auto& p = impl.parameters[cause.index];
      const auto* v = p.value_on(date);
      if (!v) {
        return fmt::format(fmt::runtime(w.parameter_ends), fmt::arg("name", p.name),
                           fmt::arg("date", date.to_string()));
      }
      compile::NodeInfo info;
      info.type =
          p.type == load::FactType::kMoney ? load::TypeKind::kMoney : load::TypeKind::kDecimal;
      std::string value = render::value_text(v->value, info);
      if (!p.unit.empty()) value += " " + p.unit;
      return fmt::format(fmt::runtime(w.parameter), fmt::arg("name", p.name),
                         fmt::arg("value", value), fmt::arg("date", date.to_string()));
    }
    case Kind::kRuleStart:
      return fmt::format(fmt::runtime(w.rule_starts), fmt::arg("rule", rules.rule(cause.index).id),
                         fmt::arg("date", date.to_string()));
    case Kind::kRuleEnd:
      return fmt::format(fmt::runtime(w.rule_ends), fmt::arg("rule", rules.rule(cause.index).id),
                         fmt::arg("date", date.plus_days(-1).to_string()));
    case Kind::kDate:
      return fmt::format(fmt::runtime(w.date_reached), fmt::arg("date", date.to_string()));
  }
  return {};
}

}  // namespace entitle::explain
