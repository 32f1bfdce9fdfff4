// Text helpers shared by the loader, the checker and the renderers: UTF-8 validation, "did you
// mean" suggestions and JSON string escaping. All functions are pure and thread-safe; none keeps a
// reference to its arguments.
#ifndef ENTITLE_UTIL_TEXT_HPP_
#define ENTITLE_UTIL_TEXT_HPP_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

// Byte offset of the first byte of the first ill-formed UTF-8 sequence in `text`, or std::nullopt
// when all of `text` is well-formed UTF-8 (Unicode 15, table 3-7). Ill-formed: stray continuation
// bytes, C0/C1/F5..FF lead bytes, overlong forms, surrogates (U+D800..U+DFFF), code points above
// U+10FFFF, and sequences cut short by a non-continuation byte or by the end of the text (for those
// the offset is that of the lead byte). NUL bytes are well-formed.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

// A place in a text: line and column from 1, columns counting bytes (as yaml-cpp's marks and every
// Diagnostic do; format_diagnostic's caret converts to characters).
struct LineColumn {
  int line = 1;
  int column = 1;
};

// Where the text after `text` starts, when `text` starts at `start`.
LineColumn position_after(LineColumn start, std::string_view text) noexcept;

// Whether `text` is entirely well-formed UTF-8 (first_invalid_utf8(text) is std::nullopt).
bool is_valid_utf8(std::string_view text) noexcept;

// `text` made safe to print to a terminal: every C0 control character except tab (and newline
// when `keep_newlines`), DEL, every C1 control character (U+0080..U+009F, which some terminals
// read as escape sequences) and every maximal ill-formed UTF-8 subsequence becomes U+FFFD. Each
// replaced character is one code point, as the replacement is, so columns counted in code points
// stay where they were. Input files may contain anything; what is echoed from them goes through
// this.
std::string printable(std::string_view text, bool keep_newlines = false);

// Levenshtein distance between the byte strings a and b (insertions, deletions and substitutions
// of single bytes, each costing 1). Time O(|a| * |b|), extra space O(min(|a|, |b|)).
std::size_t edit_distance(std::string_view a, std::string_view b);

// A "did you mean" suggestion: the candidate with the smallest edit_distance to `name`, provided
// that distance is at most max(1, name.size() / 3); the first such candidate wins ties. Returns
// std::nullopt when no candidate is that close. An exact match (distance 0) is returned like any
// other; callers ask only after the lookup of `name` failed.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

// The body of a JSON string literal (without the surrounding quotes) that denotes `text`:
// '"' and '\\' are backslash-escaped, \b \f \n \r \t use their short forms, other control
// characters U+0000..U+001F become \u00XX (lowercase hex), and everything else, including
// non-ASCII UTF-8, is copied unchanged. Ill-formed UTF-8 cannot appear in JSON: each maximal
// ill-formed subsequence (as first_invalid_utf8 delimits it) is replaced by U+FFFD, so the output
// is always valid JSON string content. Validate first if replacement is not acceptable.
std::string json_escape(std::string_view text);

// Appends json_escape(text) to `out` without a temporary.
void append_json_escaped(std::string& out, std::string_view text);

// `text` with the characters markup treats specially (& < > " ') written as entities: safe as
// XML or HTML text and as a quoted attribute value.
std::string xml_escape(std::string_view text);

}  // namespace entitle

#endif  // ENTITLE_UTIL_TEXT_HPP_
