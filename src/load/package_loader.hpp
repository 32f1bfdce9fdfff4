// Reads a policy package folder (format: docs/policy-format.md) into a SyntaxTree.
#pragma once

#include <string>
#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/limits.hpp"
#include "load/syntax.hpp"

namespace entitle::load {

// Reads `directory`/package.yaml and every other *.yaml file directly in it, in name order.
// Every problem found is appended to `diagnostics` (all of them, not the first); the tree is
// usable only when no error was added. Never throws for bad input; std::bad_alloc may escape.
SyntaxTree load_package(const std::string& directory, const Limits& limits,
                        Diagnostics& diagnostics);

// The same from files already in memory; `files[i].path` names them in diagnostics, and the
// one whose path ends in "package.yaml" is the manifest.
SyntaxTree load_package_files(std::vector<SourceFile> files, const Limits& limits,
                              Diagnostics& diagnostics);

// Reads a whole file; false (with a diagnostic) when it cannot be read or exceeds max_bytes.
bool read_source_file(const std::string& path, std::size_t max_bytes, SourceFile& out,
                      Diagnostics& diagnostics);

}  // namespace entitle::load
