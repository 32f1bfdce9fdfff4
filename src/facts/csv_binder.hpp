// Households written as CSV, one row per member (README "entitle batch" defines the shape):
//
//   household_id,as_of,<household facts...>,member_id,<member facts...>
//
// A header row names the columns, in any order: `household_id` (required), `as_of`, `member_id`,
// and the schema's fact names. The rows of one household are adjacent and repeat its household
// facts, which must agree. An empty cell is an absent fact (its default applies); a row whose
// member_id and member cells are all empty adds no member (a household without members).
// Cells are RFC 4180: comma-separated, optionally double-quoted ("" is a quote inside quotes;
// quoted cells may hold commas and line breaks); rows end with LF or CRLF; a UTF-8 byte-order
// mark before the header is ignored. Cells are read like plain YAML scalars (the schema's type
// decides), through FactsBuilder, so a household binds as it would from JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"
#include "facts/builder.hpp"

namespace entitle::facts {

// The end of the row that starts at `begin` (the byte after its line break, or `end` for a last
// row without one), or nullptr when the row is not complete in [begin, end). Line breaks inside
// quoted cells belong to the row; `line_breaks` is increased by the row's line breaks.
const char* csv_row_end(const char* begin, const char* end, std::uint64_t& line_breaks) noexcept;

// The row without its line break (LF or CRLF).
std::string_view csv_row_text(const char* begin, const char* row_end) noexcept;

// Splits a row (csv_row_text) into cells. Quoted cells with "" are unescaped into `scratch`,
// which must not be modified while the cells are used. Returns false with `error` set for a
// malformed row (text after a closing quote, a quote inside an unquoted cell, an unclosed quote).
bool split_csv_row(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch,
                   std::string& error);

// What each column of a CSV input holds, read from its header row.
class CsvLayout {
 public:
  enum class Role : std::uint8_t { kHouseholdId, kAsOf, kMemberId, kHousehold, kMember };
  struct Column {
    Role role;
    std::string name;
  };

  // Reads the header row. Returns false with a diagnostic per problem: an unknown column (with a
  // "did you mean"), a column given twice, a fact name that is both a household and a member
  // fact, no household_id column, member columns without member_id, a malformed row.
  bool parse(const RuleSet& rules, std::string_view header, Diagnostics& diagnostics);

  const std::vector<Column>& columns() const noexcept { return columns_; }
  std::size_t household_id_column() const noexcept { return household_id_; }

 private:
  std::vector<Column> columns_;
  std::size_t household_id_ = 0;
};

// One row of a household: its text (csv_row_text) and the input line it starts on.
struct CsvRow {
  std::string_view text;
  std::uint64_t line = 0;
};

// Binds households from their rows; reusable, one per thread.
class CsvBinder {
 public:
  // Binds the rows of one household (all with the same household_id; the caller groups them).
  // Errors are diagnostics whose line is the row's input line and whose column is the cell's
  // (1-based); returns false when there was any.
  bool bind(const RuleSet& rules, const CsvLayout& layout, const std::vector<CsvRow>& rows,
            Facts& facts, Diagnostics& diagnostics);

  // The household_id cell of a row, unescaped into `scratch`; false for a malformed row. With
  // `partial`, `row` may be the start of a row only: the cell must then end before it does.
  static bool household_id(const CsvLayout& layout, std::string_view row, std::string& scratch,
                           std::string_view& id, bool partial = false);

 private:
  FactsBuilder builder_;
  std::vector<std::string_view> cells_, first_cells_;
  std::string scratch_, first_scratch_, error_;
};

}  // namespace entitle::facts
