// The diff report as text for a terminal: aligned tables, a bar chart of the distribution, and
// the largest gains and losses with their reasons.
#include <fmt/format.h>

#include <algorithm>

#include "diff/format.hpp"
#include "entitle/diff.hpp"

namespace entitle {

namespace {

using diff::count;
using diff::money;
using diff::signed_money;

// Display width of UTF-8 text: code points (the reports' text is ids, digits and a few symbols,
// none of them wide).
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Rows of cells; the first column (and `left_from` on) left-aligned, the others right-aligned.
class Table {
 public:
  explicit Table(std::size_t left_from = SIZE_MAX) : left_from_(left_from) {}

  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  void write(std::string& out, int indent) const {
    std::vector<std::size_t> widths;
    for (const auto& r : rows_) {
      widths.resize(std::max(widths.size(), r.size()), 0);
      for (std::size_t i = 0; i < r.size(); ++i)
        widths[i] = std::max(widths[i], width(r[i]));
    }
    for (const auto& r : rows_) {
      std::string line(static_cast<std::size_t>(indent), ' ');
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::string pad(widths[i] - width(r[i]), ' ');
        if (i == 0) {
          line += r[i] + pad;
        } else if (i >= left_from_) {
          line += "  " + r[i] + pad;
        } else {
          line += "  " + pad + r[i];
        }
      }
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      out += line;
      out += '\n';
    }
  }

 private:
  std::size_t left_from_;
  std::vector<std::vector<std::string>> rows_;
};

std::string money_change(Decimal base, Decimal reform) {
  auto delta = diff::change(base, reform);
  return delta ? signed_money(*delta) : "overflow";
}

std::string with_percent(Decimal base, Decimal reform) {
  auto p = diff::percent(base, reform);
  return fmt::format("{} ({})", money_change(base, reform), p ? *p + "%" : "n/a");
}

// Each cash rule's figure is its natural one: the one-time cash of a rule paid once, a year's
// cash of the others (the "per" column says which); the totals table adds them up separately.
void rules_table(const DiffReport& r, std::string& out) {
  Table t;
  t.row({"", "recipients", "", "", fmt::format("cash {}", r.currency)});
  t.row({"rule", "base", "reform", "change", "base", "reform", "change", "per"});
  bool faults = false;
  for (const auto& rule : r.rules) {
    std::string id = rule.id;
    if (!rule.in_base) id += " (added)";
    if (!rule.in_reform) id += " (removed)";
    if (rule.base.errors || rule.reform.errors) {
      id += " !";
      faults = true;
    }
    std::vector<std::string> cells = {id, count(rule.base.granted), count(rule.reform.granted),
                                      diff::count_change(rule.base.granted, rule.reform.granted)};
    if (rule.kind == GrantKind::kCash) {
      bool once = rule.period == Period::kOnce;
      Decimal b = once ? rule.base_once : rule.base.annual;
      Decimal f = once ? rule.reform_once : rule.reform.annual;
      cells.insert(cells.end(),
                   {money(b), money(f), money_change(b, f), once ? "one-time" : "year"});
    }
    t.row(std::move(cells));
  }
  t.write(out, 2);
  if (faults) out += "  ! a rule faulted for some recipients (overflow, division by zero)\n";
}

void distribution(const std::vector<DiffBin>& bins, std::string_view title, std::string& out) {
  std::uint64_t unchanged = 0, most = 0;
  bool any = false;
  for (const auto& b : bins) {
    if (b.low == Decimal() && b.high == Decimal()) {
      unchanged = b.households;
    } else {
      any = true;
      most = std::max(most, b.households);
    }
  }
  out += fmt::format("\n{}\n", title);
  if (!any) {
    out += fmt::format("  no household's change ({} unchanged)\n", count(unchanged));
    return;
  }
  Table t(2);
  for (const auto& b : bins) {
    if (b.low == Decimal() && b.high == Decimal()) continue;
    std::size_t bar =
        b.households == 0
            ? 0
            : std::max<std::size_t>(1, b.households * 40 / std::max<std::uint64_t>(most, 1));
    std::string bars;
    for (std::size_t i = 0; i < bar; ++i)
      bars += "█";
    t.row({diff::bin_label(b), count(b.households), bars});
  }
  t.write(out, 2);
  out += fmt::format("  {} households unchanged\n", count(unchanged));
}

void households(const std::vector<DiffHousehold>& list, std::string_view title, std::string& out) {
  out += fmt::format("\n{}\n", title);
  if (list.empty()) {
    out += "  (none)\n";
    return;
  }
  int n = 0;
  for (const auto& h : list) {
    out +=
        fmt::format("  {}. {} (line {}, as of {}): {} — one-time {} → {}, annual {} → {}\n", ++n,
                    h.id, h.line, h.as_of.to_string(), signed_money(h.change), money(h.base_once),
                    money(h.reform_once), money(h.base_annual), money(h.reform_annual));
    for (const auto& c : h.rules) {
      out += fmt::format("     {} → {}: {} → {}\n", c.rule, c.recipient, c.base, c.reform);
      for (const auto& why : c.why)
        out += fmt::format("         {}\n", why);
    }
  }
}

}  // namespace

std::string render_diff_text(const DiffReport& r) {
  std::string out = fmt::format("entitle diff: base {} {} → reform {} {}\n", r.base.name,
                                r.base.version, r.reform.name, r.reform.version);
  out += r.as_of ? fmt::format("As of {} for every household. ", r.as_of->to_string())
                 : std::string("As of each household's own date. ");
  out += fmt::format("{} records: {} households evaluated, {} errors.\n", count(r.records),
                     count(r.households), count(r.errors));
  out += "\nPer rule\n";
  rules_table(r, out);
  out += fmt::format("\nTotal cost ({})\n", r.currency);
  Table totals;
  totals.row({"", "base", "reform", "change"});
  totals.row({"one-time", money(r.base_once), money(r.reform_once),
              with_percent(r.base_once, r.reform_once)});
  totals.row({"annual", money(r.base_annual), money(r.reform_annual),
              with_percent(r.base_annual, r.reform_annual)});
  totals.write(out, 2);
  if (r.overflow) out += "  (a sum overflowed: some figures are incomplete)\n";
  out += fmt::format(
      "\nHouseholds: {} better off, {} worse off, {} unchanged ({} of them with other "
      "entitlements changed).\nA household's change is its first year's cash: one-time payments "
      "plus a year of recurring ones.\n",
      count(r.better_off), count(r.worse_off), count(r.unchanged), count(r.unchanged_other));
  distribution(r.annual_bins, fmt::format("Change in annual cash per household ({})", r.currency),
               out);
  bool once_changed = std::any_of(r.once_bins.begin(), r.once_bins.end(), [](const auto& b) {
    return b.low != Decimal() || b.high != Decimal();
  });
  if (once_changed) {
    distribution(r.once_bins, fmt::format("Change in one-time cash per household ({})", r.currency),
                 out);
  }
  households(r.gains, "Largest gains", out);
  households(r.losses, "Largest losses", out);
  if (r.errors) {
    out += fmt::format("\nErrors: {} records could not be evaluated\n", count(r.errors));
    for (const auto& e : r.first_errors) {
      out += fmt::format("  line {}{}: {}\n", e.line,
                         e.household.empty() ? "" : " (" + e.household + ")", e.message);
    }
    if (r.errors > r.first_errors.size()) {
      out += fmt::format("  … and {} more\n", count(r.errors - r.first_errors.size()));
    }
  }
  return out;
}

}  // namespace entitle
