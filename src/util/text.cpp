#include "util/text.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entitle {
namespace {

struct Utf8Scan {
  bool well_formed;
  // Length of the well-formed sequence, or of the maximal ill-formed subpart (>= 1).
  std::size_t length;
};

// Scans the sequence starting at text[i] (i < text.size()) per Unicode table 3-7.
Utf8Scan scan_utf8(std::string_view text, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return {true, 1};

  std::size_t trailing = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
  } else if (lead == 0xE0) {
    trailing = 2;
    lo = 0xA0;  // no overlongs
  } else if (lead == 0xED) {
    trailing = 2;
    hi = 0x9F;  // no surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    trailing = 2;
  } else if (lead == 0xF0) {
    trailing = 3;
    lo = 0x90;  // no overlongs
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    trailing = 3;
  } else if (lead == 0xF4) {
    trailing = 3;
    hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {false, 1};  // continuation byte, C0, C1 or F5..FF
  }

  if (i + 1 >= text.size() || byte(i + 1) < lo || byte(i + 1) > hi) return {false, 1};
  for (std::size_t k = 2; k <= trailing; ++k) {
    if (i + k >= text.size() || byte(i + k) < 0x80 || byte(i + k) > 0xBF) return {false, k};
  }
  return {true, trailing + 1};
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    Utf8Scan s = scan_utf8(text, i);
    if (!s.well_formed) return i;
    i += s.length;
  }
  return std::nullopt;
}

LineColumn position_after(LineColumn start, std::string_view text) noexcept {
  for (char c : text) {
    if (c == '\n') {
      ++start.line;
      start.column = 1;
    } else {
      ++start.column;
    }
  }
  return start;
}

bool is_valid_utf8(std::string_view text) noexcept {
  return !first_invalid_utf8(text);
}

std::string printable(std::string_view text, bool keep_newlines) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      bool control = (c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) || c == 0x7F;
      if (control) {
        out.append(kReplacement);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    Utf8Scan s = scan_utf8(text, i);
    // U+0080..U+009F are C2 80..C2 9F.
    bool c1 = s.well_formed && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (s.well_formed && !c1) {
      out.append(text.substr(i, s.length));
    } else {
      out.append(kReplacement);
    }
    i += s.length;
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // the row runs over the shorter string b
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];  // row_{i-1}[j-1]
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];  // row_{i-1}[j]
      std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    // The distance is at least the length difference: skip hopeless candidates cheaply.
    std::size_t length_gap = candidate.size() > name.size() ? candidate.size() - name.size()
                                                            : name.size() - candidate.size();
    if (length_gap >= best_distance) continue;
    std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Most text needs no escaping: copy runs of plain ASCII at once.
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run < text.size()) {
      auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++run;
    }
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      Utf8Scan s = scan_utf8(text, i);
      if (s.well_formed) {
        out.append(text.substr(i, s.length));
      } else {
        out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      }
      i += s.length;
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_json_escaped(out, text);
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace entitle
