// The diff report as one self-contained HTML page: inline CSS, two inline SVG charts (cost per
// rule, base against reform; the histogram of the change per household), the tables, and the
// largest gains and losses in <details>. No script, no external resource: a file an analyst
// can email.
#include <fmt/format.h>

#include <algorithm>

#include "diff/format.hpp"
#include "entitle/diff.hpp"
#include "util/text.hpp"

namespace entitle {

namespace {

using diff::count;
using diff::money;
using diff::signed_money;

// An amount as a fraction of the chart's largest, for lengths (the one place a double appears:
// drawing, never money).
double share(Decimal part, Decimal whole) {
  if (whole <= Decimal()) return 0;
  return static_cast<double>(part.units()) / static_cast<double>(whole.units());
}

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;
margin:0;color:#1a202c;background:#f7fafc}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:32px 0 8px}
.muted{color:#5a6678}.packages b{font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;min-width:150px}
.card .label{font-size:.8em;color:#5a6678;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:1.4em;font-weight:600;margin-top:4px}
.gain{color:#276749}.loss{color:#c53030}
svg{max-width:100%;height:auto}
figure{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:0;padding:12px}
figcaption{font-size:.9em;color:#5a6678;margin-top:6px}
table{border-collapse:collapse;background:#fff;font-size:.85em;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}thead th{background:#edf2f7}
thead th[colspan]{text-align:center}
tr.total td{font-weight:600;border-top:2px solid #a0aec0}
details{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer;font-weight:600}
.why{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8em;white-space:pre;margin:2px 0 2px 16px}
.why .minus{color:#c53030}.why .plus{color:#276749}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
)";

constexpr std::string_view kBaseColour = "#a0aec0";
constexpr std::string_view kReformColour = "#2b6cb0";

void card(std::string& out, std::string_view label, std::string_view value,
          std::string_view css = "") {
  out += fmt::format(
      "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value {}\">{}</div></div>\n",
      xml_escape(label), css, xml_escape(value));
}

std::string change_class(std::optional<Decimal> d) {
  if (!d || *d == Decimal()) return "";
  return *d > Decimal() ? "gain" : "loss";
}

// Horizontal grouped bars, base above reform, for every cash rule that pays anything: one panel
// for the rules paid once (their one-time cash), one for the others (a year's cash), each with
// its own scale so that neither kind dwarfs the other.
void cost_chart(const DiffReport& r, std::string& out) {
  struct Row {
    std::string_view id;
    Decimal base, reform;
  };
  struct Panel {
    std::string_view title;
    std::vector<Row> rows;
    Decimal largest;
  };
  Panel panels[] = {{"one-time cash", {}, {}}, {"cash a year", {}, {}}};
  for (const auto& rule : r.rules) {
    if (rule.kind != GrantKind::kCash) continue;
    bool once = rule.period == Period::kOnce;
    Decimal b = once ? rule.base_once : rule.base.annual;
    Decimal f = once ? rule.reform_once : rule.reform.annual;
    if (b == Decimal() && f == Decimal()) continue;
    Panel& panel = panels[once ? 0 : 1];
    panel.rows.push_back({rule.id, b, f});
    panel.largest = std::max({panel.largest, b, f});
  }
  constexpr int kWidth = 960, kLabel = 260, kValue = 110, kRow = 36, kHeading = 30, kTop = 24;
  int height = kTop + 8;
  for (const auto& panel : panels) {
    if (!panel.rows.empty()) height += kHeading + static_cast<int>(panel.rows.size()) * kRow;
  }
  if (panels[0].rows.empty() && panels[1].rows.empty()) height += kHeading;
  out += fmt::format(
      "<figure><svg id=\"cost-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"Cost per rule, base and "
      "reform\" font-size=\"12\">\n",
      kWidth, height);
  out += fmt::format(
      "<rect x=\"{0}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{1}\"/><text x=\"{2}\" "
      "y=\"16\">base</text><rect x=\"{3}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{4}\"/>"
      "<text x=\"{5}\" y=\"16\">reform</text>\n",
      kLabel, kBaseColour, kLabel + 16, kLabel + 70, kReformColour, kLabel + 86);
  int y = kTop;
  if (panels[0].rows.empty() && panels[1].rows.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">No rule pays cash under either rule set.</text>\n",
                       kLabel, y + 20);
  }
  int bar_space = kWidth - kLabel - kValue;
  for (const auto& panel : panels) {
    if (panel.rows.empty()) continue;
    out +=
        fmt::format("<text x=\"0\" y=\"{}\" font-weight=\"600\" font-size=\"13\">{} ({})</text>\n",
                    y + 20, panel.title, xml_escape(r.currency));
    y += kHeading;
    for (const auto& row : panel.rows) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLabel - 8,
                         y + 19, xml_escape(row.id));
      int k = 0;
      for (auto [amount, colour, name] : {std::tuple{row.base, kBaseColour, "base"},
                                          std::tuple{row.reform, kReformColour, "reform"}}) {
        int length = static_cast<int>(share(amount, panel.largest) * bar_space + 0.5);
        if (amount > Decimal() && length < 1) length = 1;
        int top = y + 3 + k * 15;
        out += fmt::format(
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\" fill=\"{}\">"
            "<title>{} {}: {} {}</title></rect><text x=\"{}\" y=\"{}\">{}</text>\n",
            name, kLabel, top, length, colour, xml_escape(row.id), name, money(amount),
            xml_escape(r.currency), kLabel + length + 6, top + 11, money(amount));
        ++k;
      }
      y += kRow;
    }
  }
  out += "</svg>\n";
  out += fmt::format(
      "<figcaption>Cash per rule over the population ({}), base and reform: one-time payments "
      "of the rules paid once, a year's payments of the others.</figcaption></figure>\n",
      xml_escape(r.currency));
}

// Vertical bars: households per bin of change, the unchanged ones left out (they would flatten
// every other bar) and counted in the caption.
void histogram(const std::vector<DiffBin>& bins, std::string_view id, std::string_view what,
               std::string_view currency, std::string& out) {
  std::vector<const DiffBin*> drawn;
  std::uint64_t unchanged = 0, most = 0;
  for (const auto& b : bins) {
    if (b.low == Decimal() && b.high == Decimal()) {
      unchanged = b.households;
      continue;
    }
    drawn.push_back(&b);
    most = std::max(most, b.households);
  }
  constexpr int kWidth = 960, kHeight = 300, kLeft = 60, kBottom = 80, kTop = 16;
  int plot = kHeight - kBottom - kTop;
  out += fmt::format(
      "<figure><svg id=\"{0}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{1}\" height=\"{2}\" "
      "viewBox=\"0 0 {1} {2}\" role=\"img\" aria-label=\"Households by change in {3}\" "
      "font-size=\"12\">\n",
      id, kWidth, kHeight, xml_escape(what));
  out += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#4a5568\"/><line x1=\"{0}\" "
      "y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" stroke=\"#4a5568\"/>\n",
      kLeft, kTop, kTop + plot, kWidth - 10);
  if (drawn.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">No household's {} changes.</text>\n", kLeft + 20,
                       kTop + plot / 2, xml_escape(what));
  } else {
    std::vector<std::uint64_t> ticks = {0, most};
    if (most / 2 > 0 && most / 2 < most) ticks.insert(ticks.begin() + 1, most / 2);
    for (std::uint64_t tick : ticks) {
      int y = kTop + plot - static_cast<int>(static_cast<double>(tick) * plot / most + 0.5);
      out += fmt::format(
          "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><line x1=\"{}\" y1=\"{}\" "
          "x2=\"{}\" y2=\"{}\" stroke=\"#e2e8f0\"/>\n",
          kLeft - 6, y + 4, count(tick), kLeft + 1, y, kWidth - 10, y);
    }
    int slot = std::min(120, (kWidth - 10 - kLeft) / static_cast<int>(drawn.size()));
    for (std::size_t i = 0; i < drawn.size(); ++i) {
      const DiffBin& b = *drawn[i];
      int h = static_cast<int>(static_cast<double>(b.households) * plot / most + 0.5);
      if (b.households > 0 && h < 1) h = 1;
      int x = kLeft + (kWidth - 10 - kLeft - slot * static_cast<int>(drawn.size())) / 2 +
              static_cast<int>(i) * slot;
      std::string label = diff::bin_label(b);
      out += fmt::format(
          "<rect class=\"bin\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} "
          "{}: {} households</title></rect>\n",
          x + slot / 8, kTop + plot - h, slot - slot / 4, h,
          b.high <= Decimal() ? "#c53030" : "#2f855a", xml_escape(label), xml_escape(currency),
          count(b.households));
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x + slot / 2,
                         kTop + plot - h - 4, count(b.households));
      int lx = x + slot / 2, ly = kTop + plot + 14;
      out += fmt::format(
          "<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" transform=\"rotate(-30 {0} {1})\">{2}"
          "</text>\n",
          lx, ly, xml_escape(label));
    }
  }
  out += "</svg>\n";
  out += fmt::format(
      "<figcaption>Households by the change in their {} ({}); {} households with no change are "
      "not drawn.</figcaption></figure>\n",
      xml_escape(what), xml_escape(currency), count(unchanged));
}

void rules_table(const DiffReport& r, std::string& out) {
  out += fmt::format(
      "<table id=\"rules\"><thead><tr><th rowspan=\"2\">rule</th><th colspan=\"3\">recipients"
      "</th><th colspan=\"3\">one-time {0}</th><th colspan=\"3\">annual {0}</th></tr>\n"
      "<tr><th>base</th><th>reform</th><th>change</th><th>base</th><th>reform</th><th>change</th>"
      "<th>base</th><th>reform</th><th>change</th></tr></thead><tbody>\n",
      xml_escape(r.currency));
  auto cell = [&](std::string_view text, std::string_view css = "") {
    out += fmt::format("<td class=\"{}\">{}</td>", css, xml_escape(text));
  };
  auto money_cells = [&](Decimal b, Decimal f) {
    auto d = diff::change(b, f);
    cell(money(b));
    cell(money(f));
    cell(d ? signed_money(*d) : "overflow", change_class(d));
  };
  for (const auto& rule : r.rules) {
    std::string id = rule.id;
    if (!rule.in_base) id += " (added)";
    if (!rule.in_reform) id += " (removed)";
    out += fmt::format("<tr><td title=\"{}\">", xml_escape(rule.title));
    out += xml_escape(id) + "</td>";
    cell(count(rule.base.granted));
    cell(count(rule.reform.granted));
    cell(diff::count_change(rule.base.granted, rule.reform.granted));
    bool cash = rule.kind == GrantKind::kCash, once = rule.period == Period::kOnce;
    for (bool column_once : {true, false}) {
      if (!cash || once != column_once) {
        for (int i = 0; i < 3; ++i)
          cell("–");
      } else if (once) {
        money_cells(rule.base_once, rule.reform_once);
      } else {
        money_cells(rule.base.annual, rule.reform.annual);
      }
    }
    out += "</tr>\n";
  }
  out += "<tr class=\"total\"><td>total</td><td></td><td></td><td></td>";
  money_cells(r.base_once, r.reform_once);
  money_cells(r.base_annual, r.reform_annual);
  out += "</tr>\n</tbody></table>\n";
}

void households(const std::vector<DiffHousehold>& list, std::string_view title, std::string_view id,
                std::string_view currency, std::string& out) {
  out += fmt::format("<h2>{}</h2>\n<div id=\"{}\">\n", xml_escape(title), id);
  if (list.empty()) out += "<p class=\"muted\">None.</p>\n";
  for (const auto& h : list) {
    out += fmt::format(
        "<details open><summary>{} <span class=\"{}\">{} {}</span> <span class=\"muted\">line {}, "
        "as of {}; one-time {} → {}, annual {} → {}</span></summary>\n",
        xml_escape(h.id), h.change > Decimal() ? "gain" : "loss", signed_money(h.change),
        xml_escape(currency), h.line, h.as_of.to_string(), money(h.base_once), money(h.reform_once),
        money(h.base_annual), money(h.reform_annual));
    out += "<ul>\n";
    for (const auto& c : h.rules) {
      out += fmt::format("<li><b>{}</b> → {}: {} → {}\n", xml_escape(c.rule),
                         xml_escape(c.recipient), xml_escape(c.base), xml_escape(c.reform));
      for (const auto& why : c.why) {
        std::string_view css = why.rfind("- ", 0) == 0   ? "minus"
                               : why.rfind("+ ", 0) == 0 ? "plus"
                                                         : "";
        out += fmt::format("<div class=\"why\"><span class=\"{}\">{}</span></div>\n", css,
                           xml_escape(why));
      }
      out += "</li>\n";
    }
    out += "</ul></details>\n";
  }
  out += "</div>\n";
}

}  // namespace

std::string render_diff_html(const DiffReport& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>entitle diff: {} → {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                     xml_escape(r.base.name), xml_escape(r.reform.name), kStyle);
  out += "<main>\n<h1>Policy what-if: reform against base</h1>\n";
  out += fmt::format("<p class=\"packages\">Base <b>{} {}</b> → reform <b>{} {}</b></p>\n",
                     xml_escape(r.base.name), xml_escape(r.base.version), xml_escape(r.reform.name),
                     xml_escape(r.reform.version));
  out += fmt::format("<p class=\"muted\">{}. {} records: {} households evaluated, {} errors.</p>\n",
                     r.as_of ? "As of " + r.as_of->to_string() + " for every household"
                             : std::string("As of each household's own date"),
                     count(r.records), count(r.households), count(r.errors));
  out += "<div class=\"cards\">\n";
  for (auto [label, base, reform] : {std::tuple{"annual cost", r.base_annual, r.reform_annual},
                                     std::tuple{"one-time cost", r.base_once, r.reform_once}}) {
    auto d = diff::change(base, reform);
    auto p = diff::percent(base, reform);
    card(out, fmt::format("{} change", label),
         fmt::format("{} {} ({})", d ? signed_money(*d) : "overflow", r.currency,
                     p ? *p + "%" : "n/a"),
         change_class(d));
  }
  card(out, "better off", count(r.better_off), r.better_off ? "gain" : "");
  card(out, "worse off", count(r.worse_off), r.worse_off ? "loss" : "");
  card(out, "unchanged", count(r.unchanged));
  out += "</div>\n";
  if (r.overflow) out += "<p class=\"loss\">A sum overflowed: some figures are incomplete.</p>\n";
  out += "<h2>Cost per rule</h2>\n";
  cost_chart(r, out);
  out += "<h2>Change per household</h2>\n";
  histogram(r.annual_bins, "change-histogram", "annual cash", r.currency, out);
  bool once_changed = std::any_of(r.once_bins.begin(), r.once_bins.end(), [](const auto& b) {
    return b.low != Decimal() || b.high != Decimal();
  });
  if (once_changed) {
    histogram(r.once_bins, "once-histogram", "one-time cash", r.currency, out);
  }
  out += fmt::format(
      "<p class=\"muted\">{} households better off, {} worse off, {} unchanged ({} of them with "
      "other entitlements changed). A household's change is its first year's cash: one-time "
      "payments plus a year of recurring ones.</p>\n",
      count(r.better_off), count(r.worse_off), count(r.unchanged), count(r.unchanged_other));
  out += "<h2>Per rule</h2>\n";
  rules_table(r, out);
  households(r.gains, "Largest gains", "gains", r.currency, out);
  households(r.losses, "Largest losses", "losses", r.currency, out);
  if (r.errors) {
    out += fmt::format("<h2>Errors</h2>\n<p>{} records could not be evaluated.</p>\n<ul>\n",
                       count(r.errors));
    for (const auto& e : r.first_errors) {
      out += fmt::format("<li>line {}{}: {}</li>\n", e.line,
                         e.household.empty() ? "" : " (" + xml_escape(e.household) + ")",
                         xml_escape(e.message));
    }
    out += "</ul>\n";
  }
  out += fmt::format(
      "<p class=\"muted\">Rule set digests: base {}, reform {}. Generated by entitle diff.</p>\n",
      xml_escape(r.base.digest.substr(0, 16)), xml_escape(r.reform.digest.substr(0, 16)));
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace entitle
