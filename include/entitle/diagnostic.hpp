// Diagnostics: how entitle reports mistakes in policy files and household facts.
//
// Mistakes in input are data, not exceptions: every stage returns all the problems it found as a
// list of Diagnostic values, each with a stable code that tests and tools can match.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "entitle/export.h"

namespace entitle {

enum class Severity { kError, kWarning, kNote };

// Stable diagnostic codes. Policy packages: E0xx; household facts: F0xx; evaluation: R0xx.
namespace codes {
inline constexpr std::string_view kMalformedYaml = "E001";
inline constexpr std::string_view kLimitExceeded = "E002";
inline constexpr std::string_view kUnknownKey = "E003";
inline constexpr std::string_view kMissingKey = "E004";
inline constexpr std::string_view kBadValue = "E005";
inline constexpr std::string_view kDuplicateKey = "E006";
inline constexpr std::string_view kAliasOrMerge = "E007";
inline constexpr std::string_view kUnreadableFile = "E008";
inline constexpr std::string_view kInvalidUtf8 = "E009";
inline constexpr std::string_view kExpressionSyntax = "E010";
inline constexpr std::string_view kUnknownName = "E011";
inline constexpr std::string_view kTypeMismatch = "E012";
inline constexpr std::string_view kNotInEnum = "E013";
inline constexpr std::string_view kDuplicateId = "E014";
inline constexpr std::string_view kDefinitionCycle = "E015";
inline constexpr std::string_view kParameterGap = "E016";
inline constexpr std::string_view kWrongScope = "E017";
inline constexpr std::string_view kMalformedFacts = "F001";
inline constexpr std::string_view kUnknownFact = "F002";
inline constexpr std::string_view kFactType = "F003";
inline constexpr std::string_view kMissingFact = "F004";
inline constexpr std::string_view kDuplicateMember = "F005";
inline constexpr std::string_view kFactLimit = "F006";
inline constexpr std::string_view kEvalLimit = "R001";  // max_eval_steps stopped an evaluation
}  // namespace codes

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;         // one of codes::*
  std::string file;         // path as given to the loader; empty when there is no file (e.g. stdin)
  int line = 0;             // 1-based; 0 when unknown
  int column = 0;           // 1-based; 0 when unknown
  std::string path;         // field path for facts, e.g. "members[1].birth_date"; may be empty
  std::string message;      // one sentence, no trailing period; says what was expected
  std::string source_line;  // the line of the file the location points into, when known
};

using Diagnostics = std::vector<Diagnostic>;

// "error", "warning" or "note" (a view of a string literal).
ENTITLE_EXPORT std::string_view to_string(Severity severity) noexcept;

ENTITLE_EXPORT bool has_errors(const Diagnostics& diagnostics) noexcept;

// "file:line:col: error: message [E011]", followed by the source line and a caret when known.
ENTITLE_EXPORT std::string format_diagnostic(const Diagnostic& diagnostic);
ENTITLE_EXPORT std::string format_diagnostics(const Diagnostics& diagnostics);

}  // namespace entitle
