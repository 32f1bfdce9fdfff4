#include "facts/csv_binder.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/text.hpp"

namespace entitle::facts {

const char* csv_row_end(const char* begin, const char* end, std::uint64_t& line_breaks) noexcept {
  const char* p = begin;
  // Outside quotes a row ends at the next line break; only rows with quotes need a closer look.
  auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
  if (!newline) return nullptr;
  if (!std::memchr(p, '"', static_cast<std::size_t>(newline - p))) {
    ++line_breaks;
    return newline + 1;
  }
  bool quoted = false;
  std::uint64_t breaks = 0;
  for (; p < end; ++p) {
    if (*p == '"') {
      quoted = !quoted;  // "" inside quotes toggles twice
    } else if (*p == '\n') {
      ++breaks;
      if (!quoted) {
        line_breaks += breaks;
        return p + 1;
      }
    }
  }
  return nullptr;
}

std::string_view csv_row_text(const char* begin, const char* row_end) noexcept {
  std::string_view row(begin, static_cast<std::size_t>(row_end - begin));
  if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
  if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
  return row;
}

bool split_csv_row(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch,
                   std::string& error) {
  cells.clear();
  scratch.clear();
  scratch.reserve(row.size());  // unescaped cells are never longer: views into it stay valid
  std::size_t i = 0, n = row.size();
  for (;;) {
    if (i < n && row[i] == '"') {
      std::size_t segment = i + 1, from = i + 1, start = scratch.size();
      bool escaped = false;
      for (;;) {
        std::size_t quote = row.find('"', from);
        if (quote == std::string_view::npos) {
          error = "a quoted cell is not closed";
          return false;
        }
        if (quote + 1 < n && row[quote + 1] == '"') {
          scratch.append(row.substr(segment, quote + 1 - segment));
          from = segment = quote + 2;
          escaped = true;
          continue;
        }
        if (escaped) {
          scratch.append(row.substr(segment, quote - segment));
          cells.emplace_back(scratch.data() + start, scratch.size() - start);
        } else {
          cells.push_back(row.substr(i + 1, quote - i - 1));
        }
        i = quote + 1;
        break;
      }
      if (i == n) return true;
      if (row[i] != ',') {
        error = "text after the closing quote of a cell";
        return false;
      }
      ++i;
      continue;
    }
    std::size_t comma = row.find(',', i);
    std::size_t stop = comma == std::string_view::npos ? n : comma;
    std::string_view cell = row.substr(i, stop - i);
    if (cell.find('"') != std::string_view::npos) {
      error = "a quote inside a cell that does not start with one";
      return false;
    }
    cells.push_back(cell);
    if (comma == std::string_view::npos) return true;
    i = comma + 1;
  }
}

namespace {

Diagnostic header_problem(std::string_view code, std::size_t column, std::string name,
                          std::string message) {
  Diagnostic d;
  d.code = std::string(code);
  d.line = 1;
  d.column = static_cast<int>(column + 1);
  d.path = std::move(name);
  d.message = std::move(message);
  return d;
}

}  // namespace

bool CsvLayout::parse(const RuleSet& rules, std::string_view header, Diagnostics& diagnostics) {
  const auto& impl = rules.impl();
  std::size_t before = diagnostics.size();
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);
  columns_.clear();
  std::vector<std::string_view> cells;
  std::string scratch, error;
  if (!split_csv_row(header, cells, scratch, error)) {
    diagnostics.push_back(
        header_problem(codes::kMalformedFacts, 0, "", "malformed CSV header: " + error));
    return false;
  }
  std::vector<std::string> names = {"household_id", "as_of", "member_id"};
  for (const auto& f : impl.household_fields)
    if (!f.builtin) names.push_back(f.name);
  for (const auto& f : impl.member_fields)
    if (!f.builtin) names.push_back(f.name);
  bool has_household_id = false, has_member_id = false, has_member_fact = false;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::string name(cells[c]);
    for (std::size_t k = 0; k < c; ++k) {
      if (cells[k] == cells[c]) {
        diagnostics.push_back(header_problem(codes::kMalformedFacts, c, name,
                                             fmt::format("column '{}' is given twice", name)));
      }
    }
    Column column{Role::kHousehold, name};
    int household = impl.find_household_field(name);
    int member = impl.find_member_field(name);
    bool is_household = household > 0, is_member = member > 0;  // slot 0 is the built-in id
    if (name == "household_id") {
      column.role = Role::kHouseholdId;
      household_id_ = c;
      has_household_id = true;
    } else if (name == "as_of") {
      column.role = Role::kAsOf;
    } else if (name == "member_id") {
      column.role = Role::kMemberId;
      has_member_id = true;
    } else if (is_household && is_member) {
      diagnostics.push_back(header_problem(
          codes::kMalformedFacts, c, name,
          fmt::format("'{}' is both a household and a member fact: a CSV input cannot tell which",
                      name)));
    } else if (is_household) {
      column.role = Role::kHousehold;
    } else if (is_member) {
      column.role = Role::kMember;
      has_member_fact = true;
    } else {
      std::string message = fmt::format("unknown column '{}'", name);
      if (name == "id") {
        message += "; write household_id or member_id";
      } else if (auto hint = closest_name(name, names)) {
        message += fmt::format("; did you mean '{}'?", *hint);
      }
      diagnostics.push_back(header_problem(codes::kUnknownFact, c, name, std::move(message)));
    }
    columns_.push_back(std::move(column));
  }
  if (!has_household_id) {
    diagnostics.push_back(header_problem(codes::kMissingFact, 0, "household_id",
                                         "the CSV header needs a household_id column"));
  }
  if (has_member_fact && !has_member_id) {
    diagnostics.push_back(header_problem(codes::kMissingFact, 0, "member_id",
                                         "member facts need a member_id column"));
  }
  return diagnostics.size() == before;
}

bool CsvBinder::household_id(const CsvLayout& layout, std::string_view row, std::string& scratch,
                             std::string_view& id, bool partial) {
  thread_local std::vector<std::string_view> cells;
  std::string error;
  std::size_t column = layout.household_id_column();
  if (partial) {
    // Only whole cells before the cut: up to the last comma outside quotes.
    bool quoted = false;
    std::size_t cut = std::string_view::npos;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] == '"') {
        quoted = !quoted;
      } else if (row[i] == ',' && !quoted) {
        cut = i;
      }
    }
    if (cut == std::string_view::npos) return false;
    row = row.substr(0, cut);
  }
  if (!split_csv_row(row, cells, scratch, error) || column >= cells.size()) return false;
  id = cells[column];
  return true;
}

bool CsvBinder::bind(const RuleSet& rules, const CsvLayout& layout, const std::vector<CsvRow>& rows,
                     Facts& facts, Diagnostics& diagnostics) {
  using Role = CsvLayout::Role;
  const auto& columns = layout.columns();
  builder_.begin(rules.impl(), "", facts, diagnostics);
  auto scalar = [](std::string_view cell, load::Position at) {
    InputValue v;
    v.kind = InputValue::Kind::kScalar;
    v.scalar = {cell, load::Node::Style::kPlain};
    v.at = at;
    return v;
  };
  std::uint64_t first_line = rows.empty() ? 0 : rows.front().line;
  std::size_t member_rows = 0;
  bool first = true;
  for (const CsvRow& row : rows) {
    const int line = static_cast<int>(row.line);
    if (!split_csv_row(row.text, cells_, scratch_, error_)) {
      builder_.error({line, 0}, "", codes::kMalformedFacts, "malformed CSV: " + error_);
      continue;
    }
    if (cells_.size() != columns.size()) {
      builder_.error({line, 0}, "", codes::kMalformedFacts,
                     fmt::format("malformed CSV: the row has {} cells, the header {}",
                                 cells_.size(), columns.size()));
      continue;
    }
    const std::vector<std::string_view>* cells = &cells_;
    if (first) {
      // The household's facts come from its first row; the other rows must repeat them.
      first = false;
      std::swap(cells_, first_cells_);
      std::swap(scratch_, first_scratch_);
      cells = &first_cells_;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto& col = columns[c];
        std::string_view cell = first_cells_[c];
        if (cell.empty()) continue;
        load::Position at{line, static_cast<int>(c + 1)};
        if (col.role == Role::kHouseholdId) {
          builder_.household_field("id", at, scalar(cell, at));
        } else if (col.role == Role::kAsOf || col.role == Role::kHousehold) {
          builder_.household_field(col.name, at, scalar(cell, at));
        }
      }
    } else {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        Role role = columns[c].role;
        if (role != Role::kAsOf && role != Role::kHousehold) continue;
        if (cells_[c] == first_cells_[c]) continue;
        builder_.error({line, static_cast<int>(c + 1)}, columns[c].name, codes::kMalformedFacts,
                       fmt::format("household fact '{}' is '{}' here but '{}' on line {}",
                                   columns[c].name, cells_[c], first_cells_[c], first_line));
      }
    }
    bool has_member = false;
    for (std::size_t c = 0; c < columns.size() && !has_member; ++c) {
      Role role = columns[c].role;
      has_member = (role == Role::kMemberId || role == Role::kMember) && !(*cells)[c].empty();
    }
    if (!has_member) continue;
    ++member_rows;
    if (builder_.member_limit_reached()) continue;
    InputValue element;
    element.kind = InputValue::Kind::kMapping;
    element.at = {line, 0};
    builder_.begin_member(element);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      Role role = columns[c].role;
      std::string_view cell = (*cells)[c];
      if (cell.empty() || (role != Role::kMemberId && role != Role::kMember)) continue;
      load::Position at{line, static_cast<int>(c + 1)};
      builder_.member_field(role == Role::kMemberId ? std::string_view("id") : columns[c].name, at,
                            scalar(cell, at));
    }
    builder_.end_member();
  }
  builder_.check_member_count(member_rows, {static_cast<int>(first_line), 0});
  return builder_.finish({static_cast<int>(first_line), 0});
}

}  // namespace entitle::facts
