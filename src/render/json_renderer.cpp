// The JSON result contract (README "Result"). Written by hand into one buffer: it is on the
// batch hot path, and the field order is part of what makes output byte-for-byte repeatable.
#include <fmt/format.h>

#include "compile/program.hpp"
#include "entitle/render.hpp"
#include "render/value_text.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace entitle {

using render::money_text;

std::string missing_path(const RuleSet& rules, const MissingFact& fact) {
  const auto& impl = rules.impl();
  if (fact.member < 0) return impl.household_fields[fact.field].name;
  return fmt::format("members[{}].{}", fact.member, impl.member_fields[fact.field].name);
}

std::string decision_id(const RuleSet& rules, const Facts& facts, Date as_of) {
  Sha256 hash;
  hash.update(rules.info().digest);
  hash.update(as_of.to_string());
  auto add = [&](const Value& v) {
    hash.update(fmt::format("|{}:{}:{}", static_cast<int>(v.kind), v.aux,
                            v.kind == ValueKind::kString ? 0 : v.bits));
    if (v.kind == ValueKind::kString) hash.update(v.as_string());
  };
  const auto& impl = rules.impl();
  for (std::size_t i = 0; i < impl.household_fields.size(); ++i)
    add(facts.household(i));
  for (std::size_t m = 0; m < facts.member_count(); ++m) {
    hash.update("|member");
    for (std::size_t i = 0; i < impl.member_fields.size(); ++i)
      add(facts.member(m, i));
  }
  return hash.hex_digest().substr(0, 32);
}

namespace {

void quoted(std::string& out, std::string_view text) {
  out += '"';
  out += json_escape(text);
  out += '"';
}

void recipient(std::string& out, const Facts& facts, std::int32_t member) {
  if (member < 0) {
    out += "\"household\"";
  } else {
    quoted(out, facts.member_id(member));
  }
}

void json_value(std::string& out, const Value& v, const compile::NodeInfo& info) {
  switch (v.kind) {
    case ValueKind::kUnknown:
      out += "null";
      break;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueKind::kNumber:
      if (info.type == load::TypeKind::kInteger) {
        out += v.as_number().to_string();
      } else {
        quoted(out, render::value_text(v, info));
      }
      break;
    default:
      quoted(out, render::value_text(v, info));
  }
}

// A shared definition subtree (see TraceNode) is expanded where it first appears in one
// outcome's trace; later uses show the definition's value without children.
void trace_json(std::string& out, const RuleSet& rules, const Facts& facts, const Result& result,
                std::uint32_t index, std::vector<std::uint8_t>& expanded) {
  const auto& impl = rules.impl();
  const TraceNode& t = result.trace[index];
  bool again = expanded[index] != 0;
  expanded[index] = 1;
  const auto& info = impl.node_info[t.source];
  out += "{\"expr\":";
  quoted(out, info.text);
  out += fmt::format(",\"at\":\"{}:{}:{}\"", json_escape(impl.files[info.file]), info.line,
                     info.column);
  if (t.member >= 0) {
    out += ",\"member\":";
    quoted(out, facts.member_id(t.member));
  }
  out += ",\"value\":";
  json_value(out, t.value, info);
  if (t.parameter >= 0) {
    out += ",\"parameter\":{\"name\":";
    quoted(out, impl.parameters[t.parameter].name);
    out += fmt::format(",\"since\":\"{}\"}}", t.since.to_string());
  }
  if (t.first_child != kNoTrace && !again) {
    out += ",\"children\":[";
    for (std::uint32_t c = t.first_child; c != kNoTrace; c = result.trace[c].next_sibling) {
      if (c != t.first_child) out += ',';
      trace_json(out, rules, facts, result, c, expanded);
    }
    out += ']';
  }
  out += '}';
}

void bilingual(std::string& out, const Bilingual& text) {
  out += "{\"zh\":";
  quoted(out, text.zh);
  out += ",\"en\":";
  quoted(out, text.en);
  out += '}';
}

void outcome_trace(std::string& out, const RuleSet& rules, const Facts& facts, const Result& result,
                   const RuleOutcome& o) {
  if (o.condition_trace == kNoTrace && o.filter_trace == kNoTrace) return;
  out += ",\"trace\":{";
  bool comma = false;
  std::vector<std::uint8_t> expanded(result.trace.size(), 0);
  if (o.filter_trace != kNoTrace) {
    out += "\"recipient\":";
    trace_json(out, rules, facts, result, o.filter_trace, expanded);
    comma = true;
  }
  if (o.condition_trace != kNoTrace) {
    if (comma) out += ',';
    out += "\"when\":";
    trace_json(out, rules, facts, result, o.condition_trace, expanded);
  }
  out += '}';
}

std::string_view reason_name(NotGrantedReason reason) {
  switch (reason) {
    case NotGrantedReason::kConditionFalse:
      return "condition_false";
    case NotGrantedReason::kNotRecipient:
      return "not_recipient";
    case NotGrantedReason::kNoRecipient:
      return "no_recipient";
    case NotGrantedReason::kNotInEffect:
      return "not_in_effect";
    case NotGrantedReason::kNone:
      break;
  }
  return "none";
}

}  // namespace

void render_json(const RuleSet& rules, const Facts& facts, const Result& result,
                 const RenderOptions& options, std::string& out) {
  const PackageInfo& package = rules.info();
  out += "{\"household\":";
  quoted(out, result.household_id);
  out += fmt::format(",\"as_of\":\"{}\",\"decision_id\":\"{}\"", result.as_of.to_string(),
                     decision_id(rules, facts, result.as_of));
  out += ",\"ruleset\":{\"name\":";
  quoted(out, package.name);
  out += ",\"version\":";
  quoted(out, package.version);
  out += fmt::format(",\"digest\":\"{}\"}}", package.digest);

  out += ",\"entitlements\":[";
  bool first = true;
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kGranted) continue;
    const RuleInfo& rule = rules.rule(o.rule);
    if (!first) out += ',';
    first = false;
    out += "{\"rule\":";
    quoted(out, rule.id);
    out += ",\"recipient\":";
    recipient(out, facts, o.member);
    out += fmt::format(",\"kind\":\"{}\"", to_string(rule.kind));
    if (o.has_amount) {
      out += fmt::format(",\"amount\":\"{}\",\"currency\":", money_text(o.amount));
      quoted(out, package.currency);
    }
    if (o.has_range) {
      out += fmt::format(",\"amount_min\":\"{}\",\"amount_max\":\"{}\",\"currency\":",
                         money_text(o.amount_min), money_text(o.amount_max));
      quoted(out, package.currency);
    }
    if (rule.period != Period::kNone) {
      out += fmt::format(",\"period\":\"{}\"", to_string(rule.period));
    }
    if (!rule.occasions.empty()) {
      out += ",\"occasions\":[";
      for (std::size_t i = 0; i < rule.occasions.size(); ++i) {
        if (i) out += ',';
        quoted(out, rule.occasions[i]);
      }
      out += ']';
    }
    if (o.has_quantity) out += fmt::format(",\"quantity\":\"{}\"", o.quantity.to_string());
    if (!rule.unit.empty()) {
      out += ",\"unit\":";
      quoted(out, rule.unit);
    }
    out += ",\"title\":";
    bilingual(out, rule.title);
    if (!rule.grant_description.en.empty() || !rule.grant_description.zh.empty()) {
      out += ",\"description\":";
      bilingual(out, rule.grant_description);
    }
    out += ",\"basis\":{\"source\":";
    quoted(out, rule.basis_source);
    out += ",\"clause\":";
    quoted(out, rule.basis_clause);
    if (!rule.basis_note.empty()) {
      out += ",\"note\":";
      quoted(out, rule.basis_note);
    }
    out += '}';
    if (options.explain) outcome_trace(out, rules, facts, result, o);
    out += '}';
  }
  out += "],\"undetermined\":[";
  first = true;
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kUndetermined) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"rule\":";
    quoted(out, rules.rule(o.rule).id);
    out += ",\"recipient\":";
    recipient(out, facts, o.member);
    out += ",\"missing\":[";
    for (auto i = o.missing_begin; i < o.missing_end; ++i) {
      if (i != o.missing_begin) out += ',';
      quoted(out, missing_path(rules, result.missing[i]));
    }
    out += ']';
    if (options.explain) outcome_trace(out, rules, facts, result, o);
    out += '}';
  }
  out += ']';
  if (options.not_granted) {
    out += ",\"not_granted\":[";
    first = true;
    for (const auto& o : result.outcomes) {
      if (o.outcome != Outcome::kNotGranted) continue;
      if (!first) out += ',';
      first = false;
      out += "{\"rule\":";
      quoted(out, rules.rule(o.rule).id);
      out += ",\"recipient\":";
      if (o.reason == NotGrantedReason::kNoRecipient ||
          o.reason == NotGrantedReason::kNotInEffect) {
        out += rules.rule(o.rule).for_each_member ? "null" : "\"household\"";
      } else {
        recipient(out, facts, o.member);
      }
      out += fmt::format(",\"reason\":\"{}\"", reason_name(o.reason));
      if (options.explain) outcome_trace(out, rules, facts, result, o);
      out += '}';
    }
    out += ']';
  }
  bool errors = false;
  for (const auto& o : result.outcomes)
    errors = errors || o.outcome == Outcome::kError;
  if (errors) {
    out += ",\"errors\":[";
    first = true;
    for (const auto& o : result.outcomes) {
      if (o.outcome != Outcome::kError) continue;
      if (!first) out += ',';
      first = false;
      out += "{\"rule\":";
      quoted(out, rules.rule(o.rule).id);
      out += ",\"recipient\":";
      recipient(out, facts, o.member);
      out += ",\"error\":";
      quoted(out, render::error_name(o.error));
      out += '}';
    }
    out += ']';
  }
  const Totals& t = result.totals;
  out += fmt::format(
      ",\"totals\":{{\"once\":\"{}\",\"daily\":\"{}\",\"monthly\":\"{}\",\"yearly\":\"{}\","
      "\"per_occasion\":\"{}\",\"annual\":\"{}\",\"currency\":",
      money_text(t.once), money_text(t.daily), money_text(t.monthly), money_text(t.yearly),
      money_text(t.per_occasion), money_text(t.annual));
  quoted(out, package.currency);
  if (t.overflow) out += ",\"overflow\":true";
  out += "}}";
}

}  // namespace entitle
