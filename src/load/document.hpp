// A small tree of YAML or JSON data with a source position on every node: the one shape that
// the package loader and the facts binder read, so that no yaml-cpp type leaks out of
// yaml_reader.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entitle/diagnostic.hpp"
#include "entitle/limits.hpp"

namespace entitle::load {

struct Position {
  int line = 0;    // 1-based, 0 when unknown
  int column = 0;  // 1-based, 0 when unknown
};

struct MapEntry;

struct Node {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };
  // How a scalar was written: a plain YAML scalar can be a number or a boolean; a quoted one is
  // always a string. JSON scalars say what JSON type they had.
  enum class Style : std::uint8_t { kPlain, kQuoted, kJsonNumber, kJsonBool, kJsonString };

  Kind kind = Kind::kNull;
  Style style = Style::kPlain;
  Position position;
  std::string scalar;
  std::vector<Node> items;        // kSequence
  std::vector<MapEntry> entries;  // kMap, in file order; keys are scalars

  bool is_map() const noexcept { return kind == Kind::kMap; }
  bool is_sequence() const noexcept { return kind == Kind::kSequence; }
  bool is_scalar() const noexcept { return kind == Kind::kScalar; }
  bool is_null() const noexcept { return kind == Kind::kNull; }
  // The value of a key in a map, or nullptr. Linear: maps here are small; callers that visit
  // every key iterate `entries` once instead.
  const Node* find(std::string_view key) const noexcept;
  std::string_view kind_name() const noexcept;
};

// A key and its value, named as in the std::pair<Node, Node> it replaces: with libstdc++ 12,
// clang rejects a pair of a type inside that type's own definition.
struct MapEntry {
  MapEntry(Node key, Node value) : first(std::move(key)), second(std::move(value)) {}
  Node first;   // the key, a scalar
  Node second;  // the value
};

struct SourceFile {
  std::string path;  // as given by the caller
  std::string text;
  // The text of 1-based line `line`, without its end of line; empty when out of range. The first
  // call indexes the lines, so that a file with an error on every line is reported in linear
  // time. Not thread-safe (the index is built in place); `text` must not change afterwards.
  std::string_view line_text(int line) const;
  mutable std::vector<std::size_t> line_starts = {};  // the index: where each line begins
};

// Parses one YAML document. Rejects what HAZARDS.md lists: anchors and aliases, merge keys,
// duplicate keys, nesting deeper than limits.max_yaml_depth, more than one document, invalid
// UTF-8, non-scalar keys. Problems are appended to `diagnostics` with the file's path and
// position; on any error the returned tree must not be used. Never throws for bad text.
Node parse_yaml(const SourceFile& file, const Limits& limits, Diagnostics& diagnostics);

// A diagnostic at a node of `file`, with its source line filled in.
Diagnostic make_diagnostic(const SourceFile& file, Position position, std::string_view code,
                           std::string message);

// Reports every key of mapping `node` that is not in `allowed` (E003), with a "did you mean"
// hint; `what` names the mapping in the message ("a rule"). Returns false if any was found.
bool report_unknown_keys(const SourceFile& file, const Node& node, std::string_view what,
                         const std::vector<std::string>& allowed, Diagnostics& diagnostics);

}  // namespace entitle::load
