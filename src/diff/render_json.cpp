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

 private:
  void comma() {
    if (!fresh_ && !out.empty()) out += ',';
    fresh_ = false;
  }
  bool fresh_ = true;
};

void package(Json& j, const DiffPackage& p) {
  j.open('{');
  j.key("name");
  j.text(p.name);
  j.key("version");
  j.text(p.version);
  j.key("digest");
  j.text(p.digest);
  j.key("directory");
  j.text(p.directory);
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
  j.key("recipients");
  j.number(t.granted);
  j.key("undetermined");
  j.number(t.undetermined);
  j.key("errors");
  j.number(t.errors);
  j.key("once");
  j.money(once);
  j.key("annual");
  j.money(t.annual);
  j.close('}');
}

void total(Json& j, Decimal base, Decimal reform) {
  j.open('{');
  j.key("base");
  j.money(base);
  j.key("reform");
  j.money(reform);
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
    j.key("low");
    j.money(b.low);
    j.key("high");
    j.money(b.high);
    j.key("households");
    j.number(b.households);
    j.close('}');
  }
  j.close(']');
}

void households(Json& j, const std::vector<DiffHousehold>& list) {
  j.open('[');
  for (const auto& h : list) {
    j.open('{');
    j.key("household");
    j.text(h.id);
    j.key("line");
    j.number(h.line);
    j.key("as_of");
    j.text(h.as_of.to_string());
    j.key("change");
    j.money(h.change);
    j.key("base");
    j.open('{');
    j.key("once");
    j.money(h.base_once);
    j.key("annual");
    j.money(h.base_annual);
    j.close('}');
    j.key("reform");
    j.open('{');
    j.key("once");
    j.money(h.reform_once);
    j.key("annual");
    j.money(h.reform_annual);
    j.close('}');
    j.key("rules");
    j.open('[');
    for (const auto& c : h.rules) {
      j.open('{');
      j.key("rule");
      j.text(c.rule);
      j.key("recipient");
      j.text(c.recipient);
      j.key("base");
      j.text(c.base);
      j.key("reform");
      j.text(c.reform);
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
  j.key("currency");
  j.text(r.currency);
  j.key("population");
  j.open('{');
  j.key("records");
  j.number(r.records);
  j.key("households");
  j.number(r.households);
  j.key("errors");
  j.number(r.errors);
  j.close('}');
  j.key("errors");
  j.open('[');
  for (const auto& e : r.first_errors) {
    j.open('{');
    j.key("line");
    j.number(e.line);
    j.key("household");
    if (e.household.empty()) {
      j.value("null");
    } else {
      j.text(e.household);
    }
    j.key("error");
    j.text(e.message);
    j.close('}');
  }
  j.close(']');
  j.key("rules");
  j.open('[');
  for (const auto& rule : r.rules) {
    j.open('{');
    j.key("rule");
    j.text(rule.id);
    j.key("title");
    j.text(rule.title);
    j.key("kind");
    j.text(to_string(rule.kind));
    j.key("period");
    j.text(to_string(rule.period));
    j.key("in");
    j.text(rule.in_base && rule.in_reform ? "both" : rule.in_base ? "base" : "reform");
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
  j.key("better_off");
  j.number(r.better_off);
  j.key("worse_off");
  j.number(r.worse_off);
  j.key("unchanged");
  j.number(r.unchanged);
  j.key("unchanged_other_entitlements_changed");
  j.number(r.unchanged_other);
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
