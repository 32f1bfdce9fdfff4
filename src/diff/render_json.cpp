// The diff report as one JSON object (README "entitle diff"). Amounts are decimal strings.
#include <fmt/format.h>

#include "diff/format.hpp"
#include "entitle/diff.hpp"
#include "util/text.hpp"

namespace entitle {

namespace {

class Json {
 public:
  std::string out;

  void string(std::string_view text) {
    out += '"';
    append_json_escaped(out, text);
    out += '"';
  }
  void key(std::string_view name) {
    comma();
    string(name);
    out += ':';
    fresh_ = true;
  }
  void open(char bracket) {
    comma();
    out += bracket;
    fresh_ = true;
  }
  void close(char bracket) {
    out += bracket;
    fresh_ = false;
  }
  void value(std::string_view text) {  // a JSON value already written out
    comma();
    out += text;
    fresh_ = false;
  }
  void text(std::string_view s) {
    comma();
    string(s);
    fresh_ = false;
  }
  void money(Decimal d) { text(d.to_string(2)); }
  void number(std::uint64_t n) { value(std::to_string(n)); }
  void boolean(bool b) { value(b ? "true" : "false"); }

  // "name": value
  void field(std::string_view name, std::string_view s) {
    key(name);
    text(s);
  }
  void field(std::string_view name, std::uint64_t n) {
    key(name);
    number(n);
  }
  void field(std::string_view name, Decimal d) {
    key(name);
    money(d);
  }

 private:
  void comma() {
    if (!fresh_ && !out.empty()) out += ',';
    fresh_ = false;
  }
  bool fresh_ = true;
};

void package(Json& j, const DiffPackage& p) {
  j.open('{');
  j.field("name", p.name);
  j.field("version", p.version);
  j.field("digest", p.digest);
  j.field("directory", p.directory);
  j.close('}');
}

void money_change(Json& j, Decimal base, Decimal reform) {
  if (auto d = diff::change(base, reform)) {
    j.money(*d);
  } else {
    j.value("null");
  }
}

void side(Json& j, const RuleTally& t, Decimal once) {
  j.open('{');
  j.field("recipients", t.granted);
  j.field("undetermined", t.undetermined);
  j.field("errors", t.errors);
  j.field("once", once);
  j.field("annual", t.annual);
  j.close('}');
}

void total(Json& j, Decimal base, Decimal reform) {
  j.open('{');
  j.field("base", base);
  j.field("reform", reform);
  j.key("change");
  money_change(j, base, reform);
  j.key("percent");
  if (auto p = diff::percent(base, reform)) {
    j.text(*p);
  } else {
    j.value("null");
  }
  j.close('}');
}

void bins(Json& j, const std::vector<DiffBin>& list) {
  j.open('[');
  for (const auto& b : list) {
    j.open('{');
    j.field("low", b.low);
    j.field("high", b.high);
    j.field("households", b.households);
    j.close('}');
  }
  j.close(']');
}

void households(Json& j, const std::vector<DiffHousehold>& list) {
  j.open('[');
  for (const auto& h : list) {
    j.open('{');
    j.field("household", h.id);
    j.field("line", h.line);
    j.field("as_of", h.as_of.to_string());
    j.field("change", h.change);
    j.key("base");
    j.open('{');
    j.field("once", h.base_once);
    j.field("annual", h.base_annual);
    j.close('}');
    j.key("reform");
    j.open('{');
    j.field("once", h.reform_once);
    j.field("annual", h.reform_annual);
    j.close('}');
    j.key("rules");
    j.open('[');
    for (const auto& c : h.rules) {
      j.open('{');
      j.field("rule", c.rule);
      j.field("recipient", c.recipient);
      j.field("base", c.base);
      j.field("reform", c.reform);
      j.key("why");
      j.open('[');
      for (const auto& w : c.why)
        j.text(w);
      j.close(']');
      j.close('}');
    }
    j.close(']');
    j.close('}');
  }
  j.close(']');
}

}  // namespace

std::string render_diff_json(const DiffReport& r) {
  Json j;
  j.open('{');
  j.key("base");
  package(j, r.base);
  j.key("reform");
  package(j, r.reform);
  j.key("as_of");
  if (r.as_of) {
    j.text(r.as_of->to_string());
  } else {
    j.value("null");
  }
  j.field("currency", r.currency);
  j.key("population");
  j.open('{');
  j.field("records", r.records);
  j.field("households", r.households);
  j.field("errors", r.errors);
  j.close('}');
  j.key("errors");
  j.open('[');
  for (const auto& e : r.first_errors) {
    j.open('{');
    j.field("line", e.line);
    j.key("household");
    if (e.household.empty()) {
      j.value("null");
    } else {
      j.text(e.household);
    }
    j.field("error", e.message);
    j.close('}');
  }
  j.close(']');
  j.key("rules");
  j.open('[');
  for (const auto& rule : r.rules) {
    j.open('{');
    j.field("rule", rule.id);
    j.field("title", rule.title);
    j.field("kind", to_string(rule.kind));
    j.field("period", to_string(rule.period));
    j.field("in", rule.in_base && rule.in_reform ? "both" : rule.in_base ? "base" : "reform");
    j.key("base");
    side(j, rule.base, rule.base_once);
    j.key("reform");
    side(j, rule.reform, rule.reform_once);
    j.key("change");
    j.open('{');
    j.key("recipients");
    j.value(std::to_string(static_cast<std::int64_t>(rule.reform.granted) -
                           static_cast<std::int64_t>(rule.base.granted)));
    j.key("once");
    money_change(j, rule.base_once, rule.reform_once);
    j.key("annual");
    money_change(j, rule.base.annual, rule.reform.annual);
    j.close('}');
    j.close('}');
  }
  j.close(']');
  j.key("totals");
  j.open('{');
  j.key("once");
  total(j, r.base_once, r.reform_once);
  j.key("annual");
  total(j, r.base_annual, r.reform_annual);
  j.close('}');
  j.key("households");
  j.open('{');
  j.field("better_off", r.better_off);
  j.field("worse_off", r.worse_off);
  j.field("unchanged", r.unchanged);
  j.field("unchanged_other_entitlements_changed", r.unchanged_other);
  j.close('}');
  j.key("distribution");
  j.open('{');
  j.key("annual");
  bins(j, r.annual_bins);
  j.key("once");
  bins(j, r.once_bins);
  j.close('}');
  j.key("largest_gains");
  households(j, r.gains);
  j.key("largest_losses");
  households(j, r.losses);
  j.key("overflow");
  j.boolean(r.overflow);
  j.close('}');
  j.out += '\n';
  return j.out;
}

}  // namespace entitle
