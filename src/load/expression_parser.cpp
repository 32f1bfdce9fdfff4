#include "load/expression_parser.hpp"

#include <fmt/format.h>

#include <cctype>

#include "load/scalar.hpp"
#include "util/text.hpp"

namespace entitle::load {
namespace {

enum class Token : std::uint8_t {
  kEnd,
  kNumber,
  kString,
  kIdent,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kBad,
};

struct Lexeme {
  Token token = Token::kEnd;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string string_value;  // kString, unescaped
};

struct SyntaxError {
  std::size_t offset;
  std::string message;
  std::string_view code = codes::kExpressionSyntax;
};

constexpr std::string_view kAggregates[] = {"count", "any", "all", "sum", "min", "max"};

bool is_aggregate(std::string_view name) {
  for (auto a : kAggregates) {
    if (a == name) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::string_view text, std::uint32_t file_index, Position start, const Limits& limits)
      : text_(text), file_index_(file_index), start_(start), limits_(limits) {}

  // expression := if | or  (and the whole text must be consumed)
  Expr parse_all() {
    advance();
    Expr e = parse_expr();
    if (current_.token != Token::kEnd) fail(current_.begin, "unexpected text after expression");
    return e;
  }

  // Columns count bytes, like yaml-cpp's marks that `start_` comes from (and like every
  // Diagnostic column; the caret of format_diagnostic converts to characters).
  Location location_at(std::size_t offset) const {
    LineColumn at = position_after({start_.line, start_.column}, text_.substr(0, offset));
    return {file_index_, {at.line, at.column}};
  }

 private:
  [[noreturn]] void fail(std::size_t offset, std::string message,
                         std::string_view code = codes::kExpressionSyntax) {
    throw SyntaxError{offset, std::move(message), code};
  }

  void advance() {
    previous_end_ = current_.end;
    current_ = lex();
  }

  Lexeme lex() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    Lexeme l;
    l.begin = pos_;
    if (pos_ >= text_.size()) {
      l.end = pos_;
      return l;
    }
    char c = text_[pos_];
    auto single = [&](Token t, std::size_t n = 1) {
      l.token = t;
      pos_ += n;
      l.end = pos_;
      return l;
    };
    auto next_is = [&](char n) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == n; };
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (pos_ < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
        ++pos_;
      }
      l.token = Token::kNumber;
      l.end = pos_;
      return l;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      l.token = Token::kIdent;
      l.end = pos_;
      return l;
    }
    if (c == '"') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        l.string_value += text_[pos_];
        ++pos_;
      }
      if (pos_ >= text_.size()) fail(l.begin, "string not closed: expected '\"'");
      ++pos_;
      l.token = Token::kString;
      l.end = pos_;
      return l;
    }
    switch (c) {
      case '(':
        return single(Token::kLParen);
      case ')':
        return single(Token::kRParen);
      case '[':
        return single(Token::kLBracket);
      case ']':
        return single(Token::kRBracket);
      case ',':
        return single(Token::kComma);
      case '.':
        return single(Token::kDot);
      case '+':
        return single(Token::kPlus);
      case '-':
        return single(Token::kMinus);
      case '*':
        return single(Token::kStar);
      case '/':
        return single(Token::kSlash);
      case '=':
        if (next_is('=')) return single(Token::kEq, 2);
        fail(pos_, "'=' is not an operator; compare with '=='");
      case '!':
        if (next_is('=')) return single(Token::kNe, 2);
        fail(pos_, "'!' is not an operator; negate with 'not'");
      case '<':
        if (next_is('=')) return single(Token::kLe, 2);
        return single(Token::kLt);
      case '>':
        if (next_is('=')) return single(Token::kGe, 2);
        return single(Token::kGt);
      case '&':
      case '|':
        fail(pos_, fmt::format("'{}' is not an operator; use 'and' / 'or'", c));
      default:
        fail(pos_, fmt::format("unexpected character '{}'", c));
    }
  }

  bool at_keyword(std::string_view word) const {
    return current_.token == Token::kIdent && lexeme_text(current_) == word;
  }
  std::string_view lexeme_text(const Lexeme& l) const {
    return text_.substr(l.begin, l.end - l.begin);
  }

  void expect(Token t, std::string_view what) {
    if (current_.token != t) {
      fail(current_.begin, fmt::format("expected {} here", what));
    }
    advance();
  }

  Expr node(ExprKind kind, std::size_t begin) {
    Expr e;
    e.kind = kind;
    e.location = location_at(begin);
    return e;
  }

  void finish(Expr& e, std::size_t begin) {
    e.text = std::string(text_.substr(begin, previous_end_ - begin));
  }

  // Counts one level of nesting for as long as it lives. A recursive production holds one; a
  // left-associative loop (a + b + c) deepens the tree without recursing, so it adds a level per
  // operator with deepen(). Either way the tree the parser returns is no deeper than the limit,
  // which is what keeps the checker, compiler and evaluator stacks bounded too.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : parser_(p) {}
    DepthGuard(Parser& p, std::size_t offset) : parser_(p) { deepen(offset); }
    ~DepthGuard() { parser_.depth_ -= levels_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

    void deepen(std::size_t offset) {
      ++levels_;
      if (++parser_.depth_ > parser_.limits_.max_expression_depth) {
        parser_.fail(offset,
                     fmt::format("expression nested deeper than {} levels (limit "
                                 "max_expression_depth)",
                                 parser_.limits_.max_expression_depth),
                     codes::kLimitExceeded);
      }
    }

   private:
    Parser& parser_;
    int levels_ = 0;
  };

  // expr := 'if' expr 'then' expr 'else' expr | or
  Expr parse_expr() {
    std::size_t begin = current_.begin;
    DepthGuard guard(*this, begin);
    if (at_keyword("if")) {
      advance();
      Expr e = node(ExprKind::kIf, begin);
      e.args.push_back(parse_expr());
      if (!at_keyword("then")) fail(current_.begin, "expected 'then' here");
      advance();
      e.args.push_back(parse_expr());
      if (!at_keyword("else")) fail(current_.begin, "expected 'else' here");
      advance();
      e.args.push_back(parse_expr());
      finish(e, begin);
      return e;
    }
    return parse_logical(true);
  }

  // or := and ('or' and)* ;  and := not ('and' not)*
  Expr parse_logical(bool is_or) {
    std::size_t begin = current_.begin;
    Expr first = is_or ? parse_logical(false) : parse_not();
    const char* word = is_or ? "or" : "and";
    if (!at_keyword(word)) return first;
    Expr e = node(is_or ? ExprKind::kOr : ExprKind::kAnd, begin);
    e.args.push_back(std::move(first));
    while (at_keyword(word)) {
      advance();
      e.args.push_back(is_or ? parse_logical(false) : parse_not());
    }
    finish(e, begin);
    return e;
  }

  // not := 'not' not | comparison
  Expr parse_not() {
    std::size_t begin = current_.begin;
    DepthGuard guard(*this, begin);
    if (at_keyword("not")) {
      advance();
      Expr e = node(ExprKind::kNot, begin);
      e.args.push_back(parse_not());
      finish(e, begin);
      return e;
    }
    return parse_comparison();
  }

  // comparison := sum (cmp-op sum | ['not'] 'in' '[' expr (',' expr)* ']')?
  Expr parse_comparison() {
    std::size_t begin = current_.begin;
    Expr left = parse_sum();
    Op op = Op::kNone;
    switch (current_.token) {
      case Token::kEq:
        op = Op::kEq;
        break;
      case Token::kNe:
        op = Op::kNe;
        break;
      case Token::kLt:
        op = Op::kLt;
        break;
      case Token::kLe:
        op = Op::kLe;
        break;
      case Token::kGt:
        op = Op::kGt;
        break;
      case Token::kGe:
        op = Op::kGe;
        break;
      default:
        break;
    }
    if (op != Op::kNone) {
      advance();
      Expr e = node(ExprKind::kCompare, begin);
      e.op = op;
      e.args.push_back(std::move(left));
      e.args.push_back(parse_sum());
      finish(e, begin);
      return e;
    }
    bool negated = false;
    if (at_keyword("not")) {
      negated = true;
      advance();
      if (!at_keyword("in")) fail(current_.begin, "expected 'in' after 'not' here");
    }
    if (at_keyword("in")) {
      advance();
      Expr e = node(ExprKind::kIn, begin);
      e.negated = negated;
      e.args.push_back(std::move(left));
      expect(Token::kLBracket, "'[' to start the list");
      e.args.push_back(parse_expr());
      while (current_.token == Token::kComma) {
        advance();
        e.args.push_back(parse_expr());
      }
      expect(Token::kRBracket, "',' or ']'");
      finish(e, begin);
      return e;
    }
    return left;
  }

  // sum := product (('+'|'-') product)*
  Expr parse_sum() {
    std::size_t begin = current_.begin;
    Expr left = parse_product();
    DepthGuard guard(*this);
    while (current_.token == Token::kPlus || current_.token == Token::kMinus) {
      Op op = current_.token == Token::kPlus ? Op::kAdd : Op::kSub;
      guard.deepen(current_.begin);
      advance();
      Expr e = node(ExprKind::kArith, begin);
      e.op = op;
      e.args.push_back(std::move(left));
      e.args.push_back(parse_product());
      finish(e, begin);
      left = std::move(e);
    }
    return left;
  }

  // product := unary (('*'|'/') unary)*
  Expr parse_product() {
    std::size_t begin = current_.begin;
    Expr left = parse_unary();
    DepthGuard guard(*this);
    while (current_.token == Token::kStar || current_.token == Token::kSlash) {
      Op op = current_.token == Token::kStar ? Op::kMul : Op::kDiv;
      guard.deepen(current_.begin);
      advance();
      Expr e = node(ExprKind::kArith, begin);
      e.op = op;
      e.args.push_back(std::move(left));
      e.args.push_back(parse_unary());
      finish(e, begin);
      left = std::move(e);
    }
    return left;
  }

  // unary := '-' unary | primary
  Expr parse_unary() {
    std::size_t begin = current_.begin;
    DepthGuard guard(*this, begin);
    if (current_.token == Token::kMinus) {
      advance();
      Expr e = node(ExprKind::kNegate, begin);
      e.args.push_back(parse_unary());
      finish(e, begin);
      return e;
    }
    return parse_primary();
  }

  // primary := number | string | 'true' | 'false' | 'date' '(' string ')' | name
  //          | 'household' '.' name | function '(' args ')' | aggregate | '(' expr ')'
  Expr parse_primary() {
    std::size_t begin = current_.begin;
    switch (current_.token) {
      case Token::kNumber: {
        auto d = Decimal::parse(lexeme_text(current_));
        if (!d && is_decimal_out_of_range(lexeme_text(current_))) {
          fail(begin,
               fmt::format("'{}' is too large: exact numbers lie between {}", lexeme_text(current_),
                           decimal_range_text()),
               codes::kLimitExceeded);
        }
        if (!d) {
          fail(begin, fmt::format("'{}' is not an exact number (at most 4 decimals)",
                                  lexeme_text(current_)));
        }
        Expr e = node(ExprKind::kLiteral, begin);
        e.value = Value::number(*d);
        e.literal_type.kind =
            d->is_integer() && lexeme_text(current_).find('.') == std::string::npos
                ? TypeKind::kInteger
                : TypeKind::kDecimal;
        advance();
        finish(e, begin);
        return e;
      }
      case Token::kString: {
        Expr e = node(ExprKind::kLiteral, begin);
        e.value.kind = ValueKind::kString;
        e.literal_type.kind = TypeKind::kString;
        e.literal_string = current_.string_value;
        advance();
        finish(e, begin);
        return e;
      }
      case Token::kLParen: {
        advance();
        Expr e = parse_expr();
        expect(Token::kRParen, "')'");
        return e;
      }
      case Token::kIdent:
        break;
      case Token::kEnd:
        fail(begin, "expression ends too early: expected a value here");
      default:
        fail(begin, fmt::format("expected a value here, found '{}'", lexeme_text(current_)));
    }
    std::string name(lexeme_text(current_));
    if (name == "true" || name == "false") {
      Expr e = node(ExprKind::kLiteral, begin);
      e.value = Value::boolean(name == "true");
      e.literal_type.kind = TypeKind::kBool;
      advance();
      finish(e, begin);
      return e;
    }
    for (auto reserved : {"and", "or", "not", "in", "if", "then", "else", "where", "members"}) {
      if (name == reserved) fail(begin, fmt::format("expected a value here, found '{}'", name));
    }
    advance();
    if (name == "household" && current_.token == Token::kDot) {
      advance();
      if (current_.token != Token::kIdent)
        fail(current_.begin, "expected a name after 'household.'");
      Expr e = node(ExprKind::kHousehold, begin);
      e.name = std::string(lexeme_text(current_));
      advance();
      finish(e, begin);
      return e;
    }
    if (current_.token != Token::kLParen) {
      Expr e = node(ExprKind::kName, begin);
      e.name = std::move(name);
      finish(e, begin);
      return e;
    }
    advance();  // '('
    if (name == "date") return parse_date_literal(begin);
    if (is_aggregate(name)) return parse_aggregate(std::move(name), begin);
    Expr e = node(ExprKind::kCall, begin);
    e.name = std::move(name);
    if (current_.token != Token::kRParen) {
      e.args.push_back(parse_expr());
      while (current_.token == Token::kComma) {
        advance();
        e.args.push_back(parse_expr());
      }
    }
    expect(Token::kRParen, "',' or ')'");
    finish(e, begin);
    return e;
  }

  Expr parse_date_literal(std::size_t begin) {
    if (current_.token != Token::kString) fail(current_.begin, "expected date(\"YYYY-MM-DD\")");
    auto d = Date::parse(current_.string_value);
    if (!d) {
      fail(current_.begin, fmt::format("'{}' is not a valid date YYYY-MM-DD between {} and {}",
                                       current_.string_value, Date::kMinYear, Date::kMaxYear));
    }
    advance();
    expect(Token::kRParen, "')'");
    Expr e = node(ExprKind::kLiteral, begin);
    e.value = Value::date(*d);
    e.literal_type.kind = TypeKind::kDate;
    finish(e, begin);
    return e;
  }

  // aggregate := 'count' '(' members ')' | name '(' members ',' expr ')'
  // members := 'members' ['where' expr]
  Expr parse_aggregate(std::string name, std::size_t begin) {
    Expr e = node(ExprKind::kAggregate, begin);
    e.name = std::move(name);
    if (!at_keyword("members")) {
      fail(current_.begin, fmt::format("expected 'members' as the first argument of {}()", e.name));
    }
    advance();
    if (at_keyword("where")) {
      advance();
      e.args.push_back(parse_expr());
    } else {
      Expr always = node(ExprKind::kLiteral, current_.begin);
      always.value = Value::boolean(true);
      always.literal_type.kind = TypeKind::kBool;
      always.text = "true";
      e.args.push_back(std::move(always));
    }
    if (e.name != "count") {
      expect(Token::kComma, fmt::format("',' and the value {}() looks at", e.name));
      e.args.push_back(parse_expr());
    }
    expect(Token::kRParen, "')'");
    finish(e, begin);
    return e;
  }

  std::string_view text_;
  std::uint32_t file_index_;
  Position start_;
  const Limits& limits_;
  std::size_t pos_ = 0;
  std::size_t previous_end_ = 0;
  Lexeme current_;
  int depth_ = 0;
};

}  // namespace

std::optional<Expr> parse_expression(std::string_view text, const SourceFile& file,
                                     std::uint32_t file_index, Position start, const Limits& limits,
                                     Diagnostics& diagnostics) {
  if (text.size() > limits.max_expression_length) {
    diagnostics.push_back(
        make_diagnostic(file, start, codes::kLimitExceeded,
                        fmt::format("expression longer than {} bytes (limit max_expression_length)",
                                    limits.max_expression_length)));
    return std::nullopt;
  }
  Parser parser(text, file_index, start, limits);
  try {
    return parser.parse_all();
  } catch (const SyntaxError& error) {
    Location at = parser.location_at(error.offset);
    diagnostics.push_back(make_diagnostic(file, at.position, error.code, error.message));
    return std::nullopt;
  }
}

}  // namespace entitle::load
