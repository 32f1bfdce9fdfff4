// load → check → compile: the one place that runs the front half of the pipeline.
#include "entitle/ruleset.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "check/checker.hpp"
#include "check/reform.hpp"
#include "compile/program.hpp"
#include "load/package_loader.hpp"

namespace entitle {

std::string_view to_string(GrantKind kind) noexcept {
  return load::grant_kind_name(static_cast<load::GrantKind>(kind));
}

std::string_view to_string(Period period) noexcept {
  return load::period_name(static_cast<load::Period>(period));
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

const PackageInfo& RuleSet::info() const noexcept {
  return impl_->info;
}
const Limits& RuleSet::limits() const noexcept {
  return impl_->limits;
}
std::size_t RuleSet::rule_count() const noexcept {
  return impl_->rule_info.size();
}
const RuleInfo& RuleSet::rule(std::size_t index) const noexcept {
  return impl_->rule_info[index];
}

int RuleSet::find_rule(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < impl_->rule_info.size(); ++i) {
    if (impl_->rule_info[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

static int find_field(const std::vector<compile::FieldInfo>& fields, std::string_view name) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int RuleSet::Impl::find_household_field(std::string_view name) const noexcept {
  return find_field(household_fields, name);
}

int RuleSet::Impl::find_member_field(std::string_view name) const noexcept {
  return find_field(member_fields, name);
}

static LoadResult finish(load::SyntaxTree tree, const LoadOptions& options,
                         Diagnostics diagnostics) {
  LoadResult result;
  // Checked even after load errors, so that one run reports every problem; the tree records
  // what those errors left out, so the checker does not report it again.
  auto checked = check::check_package(std::move(tree), options.limits, diagnostics);
  if (!has_errors(diagnostics)) {
    result.rules =
        std::make_shared<const RuleSet>(compile::compile_package(checked, options.limits));
  }
  result.diagnostics = std::move(diagnostics);
  return result;
}

// A reform package: loads the package it extends (`folder` is the reform's, which `extends` is
// relative to) and merges the two.
static load::SyntaxTree extend(load::SyntaxTree reform, const std::filesystem::path& folder,
                               const LoadOptions& options, Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  fs::path base_folder = (folder / reform.manifest.extends).lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(base_folder / "package.yaml", ec)) {
    const load::Location& at = reform.manifest.extends_location;
    diagnostics.push_back(load::make_diagnostic(
        reform.files[at.file], at.position, codes::kUnreadableFile,
        fmt::format("'extends' names {}, which is not a policy package (no package.yaml)",
                    base_folder.string())));
    reform.incomplete = true;  // what the base declares is unknown: no cascade of unknown names
    return reform;
  }
  std::size_t before = diagnostics.size();
  load::SyntaxTree base = load::load_package(base_folder.string(), options.limits, diagnostics);
  if (has_errors(diagnostics) && diagnostics.size() != before) {
    reform.incomplete = true;
    return reform;
  }
  return check::apply_reform(std::move(base), std::move(reform), diagnostics);
}

LoadResult load_ruleset(const std::string& directory, const LoadOptions& options) {
  Diagnostics diagnostics;
  load::SyntaxTree tree = load::load_package(directory, options.limits, diagnostics);
  if (!tree.manifest.extends.empty()) {
    tree = extend(std::move(tree), directory, options, diagnostics);
  }
  return finish(std::move(tree), options, std::move(diagnostics));
}

LoadResult load_ruleset_from_files(std::vector<std::pair<std::string, std::string>> files,
                                   const LoadOptions& options) {
  Diagnostics diagnostics;
  std::vector<load::SourceFile> sources;
  for (auto& [path, text] : files)
    sources.push_back({std::move(path), std::move(text)});
  load::SyntaxTree tree = load::load_package_files(std::move(sources), options.limits, diagnostics);
  if (!tree.manifest.extends.empty()) {
    // `extends` is relative to the folder of the package.yaml path given.
    const auto& manifest = tree.files[tree.manifest.extends_location.file].path;
    tree = extend(std::move(tree), std::filesystem::path(manifest).parent_path(), options,
                  diagnostics);
  }
  return finish(std::move(tree), options, std::move(diagnostics));
}

}  // namespace entitle
