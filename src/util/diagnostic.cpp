#include "entitle/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.hpp"

namespace entitle {

bool has_errors(const Diagnostics& diagnostics) noexcept {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

std::string format_diagnostic(const Diagnostic& d) {
  // Every field may hold text from an input file: printable() keeps it from driving a terminal.
  std::string out;
  if (!d.file.empty()) {
    out += printable(d.file);
    if (d.line > 0) out += fmt::format(":{}", d.line);
    if (d.line > 0 && d.column > 0) out += fmt::format(":{}", d.column);
    out += ": ";
  }
  out += fmt::format("{}: ", to_string(d.severity));
  if (!d.path.empty()) out += fmt::format("{}: ", printable(d.path));
  out += fmt::format("{} [{}]\n", printable(d.message), printable(d.code));
  if (!d.source_line.empty() && d.column > 0) {
    out += fmt::format("  {}\n", printable(d.source_line));
    // The caret counts code points, so that it lands under the right character in a terminal
    // for Chinese text too (a wide character may still shift it by one cell). printable()
    // replaces code points one for one, so the count holds for the printed line.
    std::size_t width = 0;
    std::size_t bytes = std::min<std::size_t>(d.column - 1, d.source_line.size());
    for (std::size_t i = 0; i < bytes; ++i) {
      if ((static_cast<unsigned char>(d.source_line[i]) & 0xC0) != 0x80) ++width;
    }
    out += fmt::format("  {}^\n", std::string(width, ' '));
  }
  return out;
}

std::string format_diagnostics(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics)
    out += format_diagnostic(d);
  return out;
}

}  // namespace entitle
