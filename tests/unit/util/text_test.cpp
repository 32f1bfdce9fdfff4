#include "util/text.hpp"

#include "entitle/diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace entitle {
namespace {

using namespace std::string_view_literals;

TEST_CASE("first_invalid_utf8 accepts well-formed UTF-8", "[text]") {
  const std::string_view cases[] = {
      ""sv,
      "plain ASCII"sv,
      "\0nul inside\0"sv,
      "\x7F"sv,
      "\xC2\x80"sv,                  // U+0080, smallest two-byte
      "caf\xC3\xA9"sv,               // é
      "\xDF\xBF"sv,                  // U+07FF
      "\xE0\xA0\x80"sv,              // U+0800, smallest three-byte
      "\xE4\xB8\xAD\xE6\x96\x87"sv,  // 中文
      "\xED\x9F\xBF"sv,              // U+D7FF, just below the surrogates
      "\xEE\x80\x80"sv,              // U+E000, just above them
      "\xEF\xBF\xBF"sv,              // U+FFFF
      "\xF0\x90\x80\x80"sv,          // U+10000, smallest four-byte
      "\xF0\x9F\x98\x80"sv,          // 😀
      "\xF4\x8F\xBF\xBF"sv,          // U+10FFFF, the largest code point
  };
  for (std::string_view text : cases) {
    INFO(text);
    CHECK_FALSE(first_invalid_utf8(text).has_value());
    CHECK(is_valid_utf8(text));
  }
}

TEST_CASE("first_invalid_utf8 rejects ill-formed UTF-8 at the right offset", "[text]") {
  struct Case {
    std::string_view text;
    std::size_t offset;
  };
  const Case cases[] = {
      {"\x80"sv, 0},  // stray continuation byte
      {"abc\xBF"sv, 3},
      {"a\xC0\x80"sv, 1},                 // overlong NUL
      {"\xC1\xBF"sv, 0},                  // overlong U+007F
      {"\xE0\x80\x80"sv, 0},              // overlong three-byte
      {"\xE0\x9F\xBF"sv, 0},              // overlong U+07FF
      {"\xF0\x80\x80\x80"sv, 0},          // overlong four-byte
      {"\xF0\x8F\xBF\xBF"sv, 0},          // overlong U+FFFF
      {"ok\xED\xA0\x80"sv, 2},            // U+D800, high surrogate
      {"\xED\xBF\xBF"sv, 0},              // U+DFFF, low surrogate
      {"\xED\xA0\xBD\xED\xB8\x80"sv, 0},  // CESU-8 surrogate pair
      {"\xF4\x90\x80\x80"sv, 0},          // U+110000
      {"\xF5\x80\x80\x80"sv, 0},
      {"\xF8\x88\x80\x80\x80"sv, 0},  // old five-byte form
      {"\xFE"sv, 0},
      {"\xFF"sv, 0},
      {"ab\xE4\xB8"sv, 2},  // truncated by the end
      {"\xE4\xB8"
       "a"sv,
       0},  // truncated by a non-continuation byte
      {"\xF0\x9F\x98"sv, 0},
      {"\xC3"sv, 0},
      {"\xC3\xA9\xC3"sv, 2},
      {"\xE4\xB8\xAD\xC3\xA9\x80"sv, 5},
  };
  for (const Case& c : cases) {
    INFO("case with expected offset " << c.offset);
    REQUIRE(first_invalid_utf8(c.text).has_value());
    CHECK(*first_invalid_utf8(c.text) == c.offset);
    CHECK_FALSE(is_valid_utf8(c.text));
  }
}

TEST_CASE("edit_distance", "[text]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("sitting", "kitten") == 3);
  CHECK(edit_distance("flaw", "lawn") == 2);
  CHECK(edit_distance("ab", "ba") == 2);  // no transpositions in Levenshtein
  CHECK(edit_distance("retird", "retired") == 1);
  CHECK(edit_distance("intention", "execution") == 5);
  CHECK(edit_distance("\xE4\xB8\xAD", "\xE6\x96\x87") == 3);  // bytes, not code points
}

TEST_CASE("closest_name", "[text]") {
  const std::vector<std::string> facts = {"retired", "age", "household_income", "disabled"};
  CHECK(closest_name("retird", facts) == std::optional<std::string>("retired"));
  CHECK(closest_name("agee", facts) == std::optional<std::string>("age"));
  CHECK(closest_name("houshold_incme", facts) == std::optional<std::string>("household_income"));
  CHECK(closest_name("disabld", facts) == std::optional<std::string>("disabled"));
  CHECK_FALSE(closest_name("salary", facts).has_value());
  CHECK_FALSE(closest_name("x", {}).has_value());

  // The limit is max(1, size / 3): short names allow one edit.
  CHECK(closest_name("ag", facts) == std::optional<std::string>("age"));
  CHECK_FALSE(closest_name("gae", facts).has_value());  // distance 2 > 1
  // 9 characters allow 3 edits, not 4.
  CHECK(closest_name("dis_abled", {"disabled"}) == std::optional<std::string>("disabled"));
  CHECK(closest_name("abcdefxyz", {"abcdef"}) == std::optional<std::string>("abcdef"));
  CHECK_FALSE(closest_name("abcdewxyz", {"abcdef"}).has_value());

  // Ties go to the first candidate; a strictly closer later one still wins.
  CHECK(closest_name("hat", {"cat", "bat"}) == std::optional<std::string>("cat"));
  CHECK(closest_name("hat", {"bat", "cat"}) == std::optional<std::string>("bat"));
  CHECK(closest_name("retiree", {"retire", "retiree"}) == std::optional<std::string>("retiree"));
  CHECK(closest_name("", {"a", "b"}) == std::optional<std::string>("a"));
}

TEST_CASE("json_escape", "[text]") {
  CHECK(json_escape("") == "");
  CHECK(json_escape("plain text") == "plain text");
  CHECK(json_escape("say \"hi\"") == "say \\\"hi\\\"");
  CHECK(json_escape("C:\\path") == "C:\\\\path");
  CHECK(json_escape("a\nb\tc\rd\be\ff") == "a\\nb\\tc\\rd\\be\\ff");
  CHECK(json_escape("\0"sv) == "\\u0000");
  CHECK(json_escape("\x01\x1F") == "\\u0001\\u001f");
  CHECK(json_escape("\x7F") == "\x7F");  // DEL needs no escape in JSON
  CHECK(json_escape("/") == "/");
  CHECK(json_escape("\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80") ==
        "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80");    // valid UTF-8 passes through
  CHECK(json_escape("\xE2\x80\xA8") == "\xE2\x80\xA8");  // U+2028 is legal in JSON strings

  // Ill-formed UTF-8: one U+FFFD per maximal ill-formed subsequence.
  CHECK(json_escape("a\xFF"
                    "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(json_escape("\xE4\xB8"
                    "a") ==
        "\xEF\xBF\xBD"
        "a");
  CHECK(json_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(json_escape("\xC3") == "\xEF\xBF\xBD");
  CHECK(is_valid_utf8(json_escape("\xC0\x80\xF5\xE0\x80\"\x01")));
}

TEST_CASE("xml_escape") {
  CHECK(xml_escape("") == "");
  CHECK(xml_escape("plain 文本") == "plain 文本");
  CHECK(xml_escape("<a href=\"x\">Tom & Jerry's</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  CHECK(xml_escape("&amp;") == "&amp;amp;");  // not idempotent: escape once
}

TEST_CASE("position_after counts lines and byte columns from where a text starts", "[text]") {
  LineColumn start{3, 7};
  CHECK(position_after(start, "").line == 3);
  CHECK(position_after(start, "").column == 7);
  LineColumn after = position_after(start, "ab");
  CHECK((after.line == 3 && after.column == 9));
  after = position_after({}, "a\n\xE6\xAD\xA6x");  // columns count bytes: 武 is three
  CHECK((after.line == 2 && after.column == 5));
  after = position_after({}, "\r\n\n");
  CHECK((after.line == 3 && after.column == 1));
}

}  // namespace
}  // namespace entitle

namespace entitle {
namespace {

TEST_CASE("printable keeps terminal controls out of echoed text", "[text]") {
  CHECK(printable("plain 文本\tok") == "plain 文本\tok");
  CHECK(printable("a\x1b[2Jb") == "a\xEF\xBF\xBD[2Jb");
  CHECK(printable("a\nb") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(printable("a\nb", true) == "a\nb");
  CHECK(printable(std::string("nul\0!", 5)) == "nul\xEF\xBF\xBD!");
  CHECK(printable("del\x7F") == "del\xEF\xBF\xBD");
  CHECK(printable("csi\xC2\x9B"
                  "2J") ==
        "csi\xEF\xBF\xBD"
        "2J");                                 // U+009B, a C1 control
  CHECK(printable("\xC2\xA0") == "\xC2\xA0");  // U+00A0 is not a control
  CHECK(printable("bad\xFF\xFE") == "bad\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("regress: a diagnostic echoes terminal escapes from a policy file inert", "[text]") {
  Diagnostic d;
  d.code = "E005";
  d.file = "rules.yaml";
  d.line = 2;
  d.column = 4;
  d.message = "bad \x1b]0;title\x07 value";
  d.source_line = "\x1b[2Jx: y";
  std::string out = format_diagnostic(d);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  // The caret still stands under the fourth character.
  CHECK(out.find("\n  \xEF\xBF\xBD[2Jx: y\n     ^\n") != std::string::npos);
}

}  // namespace
}  // namespace entitle
