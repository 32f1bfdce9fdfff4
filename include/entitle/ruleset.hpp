// RuleSet: a checked, compiled policy package. Immutable after loading and safe to share
// between threads (every member function is const and touches no mutable state).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/diagnostic.hpp"
#include "entitle/export.h"
#include "entitle/limits.hpp"

namespace entitle {

struct Bilingual {
  std::string zh;
  std::string en;
  const std::string& in(std::string_view lang) const { return lang == "zh" ? zh : en; }
};

struct SourceDocumentInfo {
  std::string id, title, date, url;
};

struct PackageInfo {
  std::string name, version, jurisdiction, currency;
  std::string directory;  // where it was loaded from; empty for in-memory packages
  std::string digest;     // sha256 over the package files' paths and contents, in name order
  AgeConvention age_convention;
  std::vector<SourceDocumentInfo> sources;
};

enum class GrantKind { kCash, kInKind, kPriority, kPoints };
enum class Period { kNone, kOnce, kDaily, kMonthly, kYearly, kPerOccasion };
ENTITLE_EXPORT std::string_view to_string(GrantKind kind) noexcept;
ENTITLE_EXPORT std::string_view to_string(Period period) noexcept;

struct RuleInfo {
  std::string id;
  Bilingual title;
  bool for_each_member = false;  // else the household is the recipient
  GrantKind kind = GrantKind::kCash;
  Period period = Period::kNone;
  std::vector<std::string> occasions;
  std::string unit;
  Bilingual grant_description;
  std::optional<Date> effective_from, effective_until;
  std::string basis_source, basis_clause, basis_note;
  std::string file;  // where the rule is written
  int line = 0, column = 0;
};

struct LoadOptions {
  Limits limits;
};

class RuleSet;

struct LoadResult {
  std::shared_ptr<const RuleSet> rules;  // null when diagnostics hold an error
  Diagnostics diagnostics;               // every problem found, errors and warnings
};

// Loads, checks and compiles the package in `directory`. Never throws for bad input: every
// mistake in the package is a diagnostic. May throw std::bad_alloc.
ENTITLE_EXPORT LoadResult load_ruleset(const std::string& directory,
                                       const LoadOptions& options = {});

// The same from files in memory: pairs of (path, YAML text); one path must end in package.yaml.
ENTITLE_EXPORT LoadResult load_ruleset_from_files(
    std::vector<std::pair<std::string, std::string>> files, const LoadOptions& options = {});

class ENTITLE_EXPORT RuleSet {
 public:
  struct Impl;  // the compiled program; private to the library
  explicit RuleSet(std::unique_ptr<Impl> impl);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const PackageInfo& info() const noexcept;
  const Limits& limits() const noexcept;
  std::size_t rule_count() const noexcept;
  const RuleInfo& rule(std::size_t index) const noexcept;
  // Index of the rule with this id, or -1.
  int find_rule(std::string_view id) const noexcept;

  const Impl& impl() const noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace entitle
