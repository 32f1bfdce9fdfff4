// The only translation unit that includes yaml-cpp. It drives yaml-cpp's event parser (not its
// node API, whose aliases are shared and whose duplicate keys are silently accepted) and builds
// a load::Node tree, turning every yaml-cpp exception into a diagnostic.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "load/document.hpp"
#include "util/text.hpp"

namespace entitle::load {

const Node* Node::find(std::string_view key) const noexcept {
  for (const auto& [k, v] : entries) {
    if (k.scalar == key) return &v;
  }
  return nullptr;
}

std::string_view Node::kind_name() const noexcept {
  switch (kind) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a mapping";
  }
  return "?";
}

std::string_view SourceFile::line_text(int line) const {
  if (line_starts.empty()) {
    line_starts.push_back(0);
    for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
      line_starts.push_back(i + 1);
  }
  if (line <= 0 || static_cast<std::size_t>(line) > line_starts.size()) return {};
  std::size_t start = line_starts[line - 1];
  std::size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  if (end > start && text[end - 1] == '\r') --end;
  return std::string_view(text).substr(start, end - start);
}

Diagnostic make_diagnostic(const SourceFile& file, Position position, std::string_view code,
                           std::string message) {
  Diagnostic d;
  d.code = std::string(code);
  d.file = file.path;
  d.line = position.line;
  d.column = position.column;
  d.message = std::move(message);
  d.source_line = std::string(file.line_text(position.line));
  return d;
}

bool report_unknown_keys(const SourceFile& file, const Node& node, std::string_view what,
                         const std::vector<std::string>& allowed, Diagnostics& diagnostics) {
  bool clean = true;
  for (const auto& [key, value] : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), key.scalar) != allowed.end()) continue;
    std::string message = fmt::format("unknown key '{}' in {}", key.scalar, what);
    if (auto hint = closest_name(key.scalar, allowed)) {
      message += fmt::format("; did you mean '{}'?", *hint);
    } else {
      message += fmt::format("; expected one of: {}", fmt::join(allowed, ", "));
    }
    diagnostics.push_back(make_diagnostic(file, key.position, codes::kUnknownKey, message));
    clean = false;
  }
  return clean;
}

namespace {

// Thrown from the event handler to stop yaml-cpp as soon as the input breaks a rule of ours.
struct StopParsing {
  Position position;
  std::string_view code;
  std::string message;
};

Position position_of(const YAML::Mark& mark) {
  return {mark.line + 1, mark.column + 1};
}

// Whether the quoted scalar whose opening quote is at text[at] has its closing quote: yaml-cpp
// 0.7 accepts `a: "open` followed by a newline and the end of the file as the scalar "open ".
bool quoted_scalar_closed(std::string_view text, std::size_t at) {
  char quote = text[at];
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped quote
      } else {
        return true;
      }
    }
  }
  return false;
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const Limits& limits) : text_(text), limits_(limits) {}

  Node take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    Node node;
    node.position = position_of(mark);
    add(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw StopParsing{position_of(mark), codes::kAliasOrMerge,
                      "YAML aliases (*name) are not allowed; write the value out"};
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    auto at = static_cast<std::size_t>(mark.pos);
    if (tag == "!" && at < text_.size() && (text_[at] == '"' || text_[at] == '\'') &&
        !quoted_scalar_closed(text_, at)) {
      throw StopParsing{position_of(mark), codes::kMalformedYaml,
                        fmt::format("quoted scalar not closed: expected {}", text_[at])};
    }
    Node node;
    node.kind = Node::Kind::kScalar;
    node.style = tag == "!" ? Node::Style::kQuoted : Node::Style::kPlain;
    node.position = position_of(mark);
    node.scalar = value;
    add(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::kSequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, Node::Kind::kMap);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    Node node;
    bool expecting_key = true;  // maps alternate key, value
    Node pending_key;
    std::set<std::string, std::less<>> keys;
  };

  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      throw StopParsing{position_of(mark), codes::kAliasOrMerge,
                        "YAML anchors (&name) are not allowed; write the value out"};
    }
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag != "?" && tag != "!" && !tag.empty()) {
      throw StopParsing{position_of(mark), codes::kMalformedYaml,
                        fmt::format("YAML tags ('{}') are not allowed", tag)};
    }
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            Node::Kind kind) {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    if (static_cast<int>(stack_.size()) >= limits_.max_yaml_depth) {
      throw StopParsing{position_of(mark), codes::kLimitExceeded,
                        fmt::format("nesting deeper than {} levels (limit max_yaml_depth)",
                                    limits_.max_yaml_depth)};
    }
    Open entry;
    entry.node.kind = kind;
    entry.node.position = position_of(mark);
    stack_.push_back(std::move(entry));
  }

  void close() {
    Node node = std::move(stack_.back().node);
    stack_.pop_back();
    add(std::move(node));
  }

  void add(Node node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Open& parent = stack_.back();
    if (parent.node.kind == Node::Kind::kSequence) {
      parent.node.items.push_back(std::move(node));
      return;
    }
    if (parent.expecting_key) {
      if (node.kind != Node::Kind::kScalar) {
        throw StopParsing{node.position, codes::kMalformedYaml, "a mapping key must be a scalar"};
      }
      if (node.scalar == "<<" && node.style == Node::Style::kPlain) {
        throw StopParsing{node.position, codes::kAliasOrMerge,
                          "YAML merge keys (<<) are not supported; write the keys out"};
      }
      if (!parent.keys.insert(node.scalar).second) {
        throw StopParsing{node.position, codes::kDuplicateKey,
                          fmt::format("duplicate key '{}'", node.scalar)};
      }
      parent.pending_key = std::move(node);
      parent.expecting_key = false;
    } else {
      parent.node.entries.emplace_back(std::move(parent.pending_key), std::move(node));
      parent.expecting_key = true;
    }
  }

  std::string_view text_;
  const Limits& limits_;
  std::vector<Open> stack_;
  Node root_;
};

// Stops at the first event of a document after the first: yaml-cpp 0.7 parses one document and
// silently leaves whatever follows it (`[1] x`, or `,`, on which LoadAll loops forever).
class LeftoverDetector : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw StopParsing{position_of(mark), codes::kMalformedYaml,
                      "unexpected text after the end of the document"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp's multi-document loop never ends on some inputs (LoadAll(",")), so only the first
// document is parsed; a second one is named as such when a `---` marker follows content, and
// anything else after the first document is found by LeftoverDetector.
std::optional<int> second_document_line(std::string_view text) {
  bool seen_content = false;
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(start, end - start);
    bool end_marker =
        row.substr(0, 3) == "..." && (row.size() == 3 || row[3] == ' ' || row[3] == '\r');
    bool marker = row.substr(0, 3) == "---" &&
                  (row.size() == 3 || row[3] == ' ' || row[3] == '\r' || row[3] == '\t');
    if (marker && seen_content) return line;
    marker = marker || end_marker;  // `...` ends the document; text after it is caught later
    std::size_t first = row.find_first_not_of(" \t\r");
    if (!marker && first != std::string_view::npos && row[first] != '#') seen_content = true;
    if (end == text.size()) break;
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

// The first byte of a C0 control character other than tab, line feed and carriage return, or of
// DEL: YAML allows neither (YAML 1.2, 5.1), and yaml-cpp 0.7 does not refuse them but garbles
// a NUL inside a scalar into bytes that are not UTF-8.
std::optional<std::size_t> first_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
  }
  return std::nullopt;
}

// Line and column of byte `offset` of `text`.
Position position_at(std::string_view text, std::size_t offset) {
  LineColumn at = position_after({}, text.substr(0, offset));
  return {at.line, at.column};
}

}  // namespace

Node parse_yaml(const SourceFile& file, const Limits& limits, Diagnostics& diagnostics) {
  if (auto bad = first_invalid_utf8(file.text)) {
    diagnostics.push_back(make_diagnostic(file, position_at(file.text, *bad), codes::kInvalidUtf8,
                                          "the file is not valid UTF-8"));
    return {};
  }
  if (auto bad = first_control_character(file.text)) {
    diagnostics.push_back(make_diagnostic(
        file, position_at(file.text, *bad), codes::kMalformedYaml,
        fmt::format("control character U+{:04X} is not allowed in YAML (only tab, line feed and "
                    "carriage return are)",
                    static_cast<unsigned char>(file.text[*bad]))));
    return {};
  }
  if (auto line = second_document_line(file.text)) {
    diagnostics.push_back(make_diagnostic(file, {*line, 1}, codes::kMalformedYaml,
                                          "a file holds one YAML document; found a second"));
    return {};
  }
  std::istringstream stream(file.text);
  TreeBuilder builder(file.text, limits);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
    LeftoverDetector leftover;
    parser.HandleNextDocument(leftover);  // returns at its first event: bounded
  } catch (const StopParsing& stop) {
    diagnostics.push_back(make_diagnostic(file, stop.position, stop.code, stop.message));
    return {};
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.push_back(
        make_diagnostic(file, position_of(e.mark), codes::kLimitExceeded,
                        fmt::format("nesting deeper than {} levels (limit max_yaml_depth)",
                                    limits.max_yaml_depth)));
    return {};
  } catch (const YAML::Exception& e) {
    diagnostics.push_back(make_diagnostic(file, position_of(e.mark), codes::kMalformedYaml,
                                          fmt::format("malformed YAML: {}", e.msg)));
    return {};
  } catch (const std::exception& e) {
    diagnostics.push_back(make_diagnostic(file, {}, codes::kMalformedYaml,
                                          fmt::format("malformed YAML: {}", e.what())));
    return {};
  }
  return builder.take_root();
}

}  // namespace entitle::load
