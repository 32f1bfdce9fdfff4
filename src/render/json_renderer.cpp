// The JSON result contract (README "Result"). Written by hand into one buffer: it is on the
// batch hot path, and the field order is part of what makes output byte-for-byte repeatable.
// Everything that depends only on the rule set is rendered once, into JsonRenderer::Fragments;
// per result only recipients, amounts, dates and totals are written.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "compile/program.hpp"
#include "entitle/render.hpp"
#include "render/value_text.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace entitle {

using namespace std::string_view_literals;

std::string missing_path(const RuleSet& rules, const MissingFact& fact) {
  const auto& impl = rules.impl();
  if (fact.member < 0) return impl.household_fields[fact.field].name;
  return fmt::format("members[{}].{}", fact.member, impl.member_fields[fact.field].name);
}

namespace {

void quoted(std::string& out, std::string_view text) {
  out += '"';
  append_json_escaped(out, text);
  out += '"';
}

std::string quoted(std::string_view text) {
  std::string out;
  quoted(out, text);
  return out;
}

// Writes a result into a buffer of this thread through a raw pointer, then appends it to the
// caller's string at once: most of a result is copied fragments, and std::string::append per
// fragment cost more than the copying.
class Cursor {
 public:
  explicit Cursor(std::string& out) : out_(out) {
    thread_local Buffer buffer;
    buffer_ = &buffer;
    p_ = buffer.data.get();
    end_ = p_ + buffer.capacity;
  }
  ~Cursor() {
    out_.append(buffer_->data.get(), static_cast<std::size_t>(p_ - buffer_->data.get()));
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  Cursor& operator+=(std::string_view v) {
    put(v.data(), v.size());
    return *this;
  }
  Cursor& operator+=(char c) {
    if (p_ == end_) grow(1);
    *p_++ = c;
    return *this;
  }
  __attribute__((always_inline)) void put(const char* data, std::size_t n) {
    if (n > static_cast<std::size_t>(end_ - p_)) grow(n);
    copy(p_, data, n);
    p_ += n;
  }
  // put() for a small local buffer (a number's text), by memcpy.
  void put_text(const char* data, std::size_t n) {
    if (n > static_cast<std::size_t>(end_ - p_)) grow(n);
    std::memcpy(p_, data, n);
    p_ += n;
  }

 private:
  // Fragments are mostly short: copied inline with fixed-size, possibly overlapping moves, not
  // through a call to memcpy.
  template <std::size_t N>
  static void move(char* to, const char* from) {
    char chunk[N];
    std::memcpy(chunk, from, N);
    std::memcpy(to, chunk, N);
  }
  __attribute__((always_inline)) static void copy(char* to, const char* from, std::size_t n) {
    if (n <= 16) {
      if (n >= 8) {
        move<8>(to, from);
        move<8>(to + n - 8, from + n - 8);
      } else if (n >= 4) {
        move<4>(to, from);
        move<4>(to + n - 4, from + n - 4);
      } else {
        for (std::size_t i = 0; i < n; ++i)
          to[i] = from[i];
      }
    } else if (n <= 32) {
      move<16>(to, from);
      move<16>(to + n - 16, from + n - 16);
    } else if (n <= 64) {
      move<32>(to, from);
      move<32>(to + n - 32, from + n - 32);
    } else {
      std::memcpy(to, from, n);
    }
  }

  struct Buffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };

  [[gnu::noinline]] void grow(std::size_t n) {
    auto used = static_cast<std::size_t>(p_ - buffer_->data.get());
    std::size_t capacity = std::max({buffer_->capacity * 2, used + n, std::size_t{16} << 10});
    auto data = std::make_unique<char[]>(capacity);
    if (used) std::memcpy(data.get(), buffer_->data.get(), used);
    buffer_->data = std::move(data);
    buffer_->capacity = capacity;
    p_ = buffer_->data.get() + used;
    end_ = buffer_->data.get() + capacity;
  }

  std::string& out_;
  Buffer* buffer_;
  char* p_;
  char* end_;
};

void quoted(Cursor& out, std::string_view text) {
  out += '"';
  bool plain = true;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    plain = plain && u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  }
  if (plain) {
    out += text;
  } else {
    thread_local std::string escaped;
    escaped.clear();
    append_json_escaped(escaped, text);
    out += escaped;
  }
  out += '"';
}

void money(Cursor& out, Decimal amount) {
  char buffer[Decimal::kMaxChars];
  out.put_text(buffer, amount.to_chars(buffer, 2));
}

// Feeds the decision_id encoding (render.hpp) to a Sha256 through a small buffer.
class DigestWriter {
 public:
  explicit DigestWriter(Sha256& hash) : hash_(hash) {}
  ~DigestWriter() { flush(); }
  void byte(std::uint8_t b) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = static_cast<char>(b);
  }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  void zigzag(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void bytes(std::string_view text) {
    if (text.size() > sizeof buffer_ - used_) flush();
    if (text.size() > sizeof buffer_) {
      hash_.update(text);
    } else {
      std::memcpy(buffer_ + used_, text.data(), text.size());
      used_ += text.size();
    }
  }
  void value(const Value& v) {
    byte(static_cast<std::uint8_t>(v.kind));
    switch (v.kind) {
      case ValueKind::kUnknown:
        break;
      case ValueKind::kBool:
        varint(v.as_bool() ? 1 : 0);
        break;
      case ValueKind::kNumber:
        zigzag(v.bits);
        break;
      case ValueKind::kDate:
        zigzag(v.as_date().days);
        break;
      case ValueKind::kEnum:
        varint(v.as_enum());
        break;
      case ValueKind::kString:
        varint(v.aux);
        bytes(v.as_string());
        break;
      case ValueKind::kError:
        varint(v.aux);
        break;
    }
  }

 private:
  void flush() {
    hash_.update(std::string_view(buffer_, used_));
    used_ = 0;
  }
  Sha256& hash_;
  char buffer_[256];
  std::size_t used_ = 0;
};

// The 32 hex digits of the decision id; `hash` has hashed the rule set's digest.
void write_decision_id(const RuleSet::Impl& impl, Sha256 hash, const Facts& facts, Date as_of,
                       char (&hex)[32]) {
  {
    DigestWriter w(hash);
    w.bytes(as_of.to_string());
    for (std::size_t i = 0; i < impl.household_fields.size(); ++i)
      w.value(facts.household(i));
    for (std::size_t m = 0; m < facts.member_count(); ++m) {
      w.byte(0xFF);
      for (std::size_t i = 0; i < impl.member_fields.size(); ++i)
        w.value(facts.member(m, i));
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  auto digest = hash.digest();
  for (std::size_t i = 0; i < 16; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
}

Sha256 digest_prefix(const RuleSet& rules) {
  Sha256 hash;
  hash.update(rules.info().digest);
  return hash;
}

// ,"reason":"<reason>"
std::string_view reason_field(NotGrantedReason reason) {
  switch (reason) {
    case NotGrantedReason::kConditionFalse:
      return R"(,"reason":"condition_false")";
    case NotGrantedReason::kNotRecipient:
      return R"(,"reason":"not_recipient")";
    case NotGrantedReason::kNoRecipient:
      return R"(,"reason":"no_recipient")";
    case NotGrantedReason::kNotInEffect:
      return R"(,"reason":"not_in_effect")";
    case NotGrantedReason::kNone:
      break;
  }
  return R"(,"reason":"none")";
}

void bilingual(std::string& out, const Bilingual& text) {
  out += "{\"zh\":"sv;
  quoted(out, text.zh);
  out += ",\"en\":"sv;
  quoted(out, text.en);
  out += '}';
}

}  // namespace

std::string decision_id(const RuleSet& rules, const Facts& facts, Date as_of) {
  char hex[32];
  write_decision_id(rules.impl(), digest_prefix(rules), facts, as_of, hex);
  return std::string(hex, sizeof hex);
}

namespace {

// What render_json copies into every result of a rule set (RuleSet::Impl::render_cache).
struct Fragments {
  struct Rule {
    std::string head;         // ,{"rule":"<id>","recipient":  (the comma left out first)
    std::string kind;         // ,"kind":"cash"
    std::string period;       // ,"period":..., ,"occasions":[...]  (either may be absent)
    std::string tail;         // unit, title, description and basis, through basis's '}'
    std::string_view nobody;  // recipient of a no_recipient or not_in_effect outcome
  };
  std::vector<Rule> rules;
  std::string ruleset;                  // ,"ruleset":{...}
  std::string currency;                 // "CNY", quoted
  std::vector<std::string> node_head;   // per expression: {"expr":"...","at":"file:line:col"
  std::vector<std::string> parameters;  // per parameter: its name, quoted
  Sha256 digest;                        // has hashed the rule set's digest
};

std::shared_ptr<const Fragments> make_fragments(const RuleSet& rules) {
  auto f = std::make_shared<Fragments>();
  const auto& impl = rules.impl();
  const PackageInfo& package = rules.info();
  f->currency = quoted(package.currency);
  f->ruleset = fmt::format(",\"ruleset\":{{\"name\":{},\"version\":{},\"digest\":\"{}\"}}",
                           quoted(package.name), quoted(package.version), package.digest);
  for (std::size_t r = 0; r < rules.rule_count(); ++r) {
    const RuleInfo& rule = rules.rule(r);
    Fragments::Rule fr;
    fr.head = fmt::format(",{{\"rule\":{},\"recipient\":", quoted(rule.id));
    fr.kind = fmt::format(",\"kind\":\"{}\"", to_string(rule.kind));
    if (rule.period != Period::kNone) {
      fr.period = fmt::format(",\"period\":\"{}\"", to_string(rule.period));
    }
    if (!rule.occasions.empty()) {
      fr.period += ",\"occasions\":["sv;
      for (std::size_t i = 0; i < rule.occasions.size(); ++i) {
        if (i) fr.period += ',';
        quoted(fr.period, rule.occasions[i]);
      }
      fr.period += ']';
    }
    if (!rule.unit.empty()) {
      fr.tail += ",\"unit\":"sv;
      quoted(fr.tail, rule.unit);
    }
    fr.tail += ",\"title\":"sv;
    bilingual(fr.tail, rule.title);
    if (!rule.grant_description.en.empty() || !rule.grant_description.zh.empty()) {
      fr.tail += ",\"description\":"sv;
      bilingual(fr.tail, rule.grant_description);
    }
    fr.tail += ",\"basis\":{\"source\":"sv;
    quoted(fr.tail, rule.basis_source);
    fr.tail += ",\"clause\":"sv;
    quoted(fr.tail, rule.basis_clause);
    if (!rule.basis_note.empty()) {
      fr.tail += ",\"note\":"sv;
      quoted(fr.tail, rule.basis_note);
    }
    fr.tail += '}';
    fr.nobody = rule.for_each_member ? "null" : "\"household\"";
    f->rules.push_back(std::move(fr));
  }
  for (const auto& info : impl.node_info) {
    std::string head = fmt::format("{{\"expr\":{},\"at\":\"", quoted(info.text));
    append_json_escaped(head, impl.files[info.file]);
    head += fmt::format(":{}:{}\"", info.line, info.column);
    f->node_head.push_back(std::move(head));
  }
  for (const auto& p : impl.parameters)
    f->parameters.push_back(quoted(p.name));
  f->digest = digest_prefix(rules);
  return f;
}

const Fragments& fragments(const RuleSet& rules) {
  const auto& impl = rules.impl();
  std::call_once(impl.render_once, [&] { impl.render_cache = make_fragments(rules); });
  return *static_cast<const Fragments*>(impl.render_cache.get());
}

struct Writer {
  const RuleSet& rules;
  const std::vector<std::string>& node_head;   // Fragments::node_head
  const std::vector<std::string>& parameters;  // Fragments::parameters
  const Facts& facts;
  const Result& result;
  Cursor& out;

  // Each member's id, quoted, written once per result.
  std::string& ids;
  std::vector<std::uint32_t>& id_ends;

  void quote_member_ids() {
    ids.clear();
    id_ends.clear();
    for (std::size_t m = 0; m < facts.member_count(); ++m) {
      quoted(ids, facts.member_id(m));
      id_ends.push_back(static_cast<std::uint32_t>(ids.size()));
    }
  }

  void recipient(std::int32_t member) {
    if (member < 0) {
      out += "\"household\""sv;
    } else {
      std::uint32_t begin = member == 0 ? 0 : id_ends[member - 1];
      out.put(ids.data() + begin, id_ends[member] - begin);
    }
  }

  // The head of an element of a list: the rule's head, after a comma unless it is the first.
  void head(const Fragments::Rule& rule, bool& first) {
    out += std::string_view(rule.head).substr(first ? 1 : 0);
    first = false;
  }

  void json_value(const Value& v, const compile::NodeInfo& info) {
    switch (v.kind) {
      case ValueKind::kUnknown:
        out += "null"sv;
        break;
      case ValueKind::kBool:
        out += v.as_bool() ? "true" : "false";
        break;
      case ValueKind::kNumber:
        if (info.type == load::TypeKind::kInteger) {
          char buffer[Decimal::kMaxChars];
          out.put_text(buffer, v.as_number().to_chars(buffer));
        } else {
          quoted(out, render::value_text(v, info));
        }
        break;
      default:
        quoted(out, render::value_text(v, info));
    }
  }

  // A shared definition subtree (see TraceNode) is expanded where it first appears in one
  // outcome's trace; later uses show the definition's value without children. expanded[i] ==
  // outcome_number marks node i as written in the current outcome's trace.
  std::vector<std::uint32_t>& expanded;
  std::uint32_t outcome_number = 0;

  void trace(std::uint32_t index) {
    const auto& impl = rules.impl();
    const TraceNode& t = result.trace[index];
    bool again = expanded[index] == outcome_number;
    expanded[index] = outcome_number;
    out += node_head[t.source];
    if (t.member >= 0) {
      out += ",\"member\":"sv;
      quoted(out, facts.member_id(t.member));
    }
    out += ",\"value\":"sv;
    json_value(t.value, impl.node_info[t.source]);
    if (t.parameter >= 0) {
      out += ",\"parameter\":{\"name\":"sv;
      out += parameters[t.parameter];
      out += ",\"since\":\""sv;
      out += t.since.to_string();
      out += "\"}"sv;
    }
    if (t.first_child != kNoTrace && !again) {
      out += ",\"children\":["sv;
      for (std::uint32_t c = t.first_child; c != kNoTrace; c = result.trace[c].next_sibling) {
        if (c != t.first_child) out += ',';
        trace(c);
      }
      out += ']';
    }
    out += '}';
  }

  void outcome_trace(const RuleOutcome& o) {
    if (o.condition_trace == kNoTrace && o.filter_trace == kNoTrace) return;
    if (expanded.size() < result.trace.size()) expanded.resize(result.trace.size(), 0);
    ++outcome_number;
    out += ",\"trace\":{"sv;
    if (o.filter_trace != kNoTrace) {
      out += "\"recipient\":"sv;
      trace(o.filter_trace);
      if (o.condition_trace != kNoTrace) out += ',';
    }
    if (o.condition_trace != kNoTrace) {
      out += "\"when\":"sv;
      trace(o.condition_trace);
    }
    out += '}';
  }
};

}  // namespace

void render_json(const RuleSet& rules, const Facts& facts, const Result& result,
                 const RenderOptions& options, std::string& text) {
  const Fragments& f = fragments(rules);
  Cursor out(text);
  thread_local std::string ids;
  thread_local std::vector<std::uint32_t> id_ends;
  thread_local std::vector<std::uint32_t> expanded;
  expanded.assign(options.explain ? result.trace.size() : 0, 0);
  Writer w{rules, f.node_head, f.parameters, facts, result, out, ids, id_ends, expanded};
  w.quote_member_ids();
  out += "{\"household\":"sv;
  quoted(out, result.household_id);
  out += ",\"as_of\":\""sv;
  out += result.as_of.to_string();
  out += "\",\"decision_id\":\""sv;
  char id[32];
  write_decision_id(rules.impl(), f.digest, facts, result.as_of, id);
  out.put_text(id, sizeof id);
  out += '"';
  out += f.ruleset;

  out += ",\"entitlements\":["sv;
  bool first = true;
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kGranted) continue;
    const auto& fr = f.rules[o.rule];
    w.head(fr, first);
    w.recipient(o.member);
    out += fr.kind;
    if (o.has_amount) {
      out += ",\"amount\":\""sv;
      money(out, o.amount);
      out += "\",\"currency\":"sv;
      out += f.currency;
    }
    if (o.has_range) {
      out += ",\"amount_min\":\""sv;
      money(out, o.amount_min);
      out += "\",\"amount_max\":\""sv;
      money(out, o.amount_max);
      out += "\",\"currency\":"sv;
      out += f.currency;
    }
    out += fr.period;
    if (o.has_quantity) {
      char buffer[Decimal::kMaxChars];
      out += ",\"quantity\":\""sv;
      out.put_text(buffer, o.quantity.to_chars(buffer));
      out += '"';
    }
    out += fr.tail;
    if (options.explain) w.outcome_trace(o);
    out += '}';
  }
  out += "],\"undetermined\":["sv;
  first = true;
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kUndetermined) continue;
    w.head(f.rules[o.rule], first);
    w.recipient(o.member);
    out += ",\"missing\":["sv;
    for (auto i = o.missing_begin; i < o.missing_end; ++i) {
      if (i != o.missing_begin) out += ',';
      quoted(out, missing_path(rules, result.missing[i]));
    }
    out += ']';
    if (options.explain) w.outcome_trace(o);
    out += '}';
  }
  out += ']';
  if (options.not_granted) {
    out += ",\"not_granted\":["sv;
    first = true;
    for (const auto& o : result.outcomes) {
      if (o.outcome != Outcome::kNotGranted) continue;
      const auto& fr = f.rules[o.rule];
      w.head(fr, first);
      if (o.reason == NotGrantedReason::kNoRecipient ||
          o.reason == NotGrantedReason::kNotInEffect) {
        out += fr.nobody;
      } else {
        w.recipient(o.member);
      }
      out += reason_field(o.reason);
      if (options.explain) w.outcome_trace(o);
      out += '}';
    }
    out += ']';
  }
  bool errors = false;
  for (const auto& o : result.outcomes)
    errors = errors || o.outcome == Outcome::kError;
  if (errors) {
    out += ",\"errors\":["sv;
    first = true;
    for (const auto& o : result.outcomes) {
      if (o.outcome != Outcome::kError) continue;
      w.head(f.rules[o.rule], first);
      w.recipient(o.member);
      out += ",\"error\":"sv;
      quoted(out, render::error_name(o.error));
      out += '}';
    }
    out += ']';
  }
  const Totals& t = result.totals;
  const std::pair<std::string_view, Decimal> totals[] = {
      {",\"totals\":{\"once\":\""sv, t.once},       {"\",\"daily\":\""sv, t.daily},
      {"\",\"monthly\":\""sv, t.monthly},           {"\",\"yearly\":\""sv, t.yearly},
      {"\",\"per_occasion\":\""sv, t.per_occasion}, {"\",\"annual\":\""sv, t.annual}};
  for (const auto& [field, amount] : totals) {
    out += field;
    money(out, amount);
  }
  out += "\",\"currency\":"sv;
  out += f.currency;
  if (t.overflow) out += ",\"overflow\":true"sv;
  out += "}}"sv;
}

}  // namespace entitle
