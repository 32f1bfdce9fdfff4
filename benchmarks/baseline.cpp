#include "baseline.hpp"

#include <simdjson.h>

#include <cstdio>
#include <cstring>

namespace entitle::bench {
namespace {

namespace od = simdjson::ondemand;

// Days since 1970-01-01 from a "YYYY-MM-DD" text (Howard Hinnant's days_from_civil).
std::int32_t parse_date(std::string_view s) {
  if (s.size() != 10) return INT32_MIN;
  auto digit = [&](int i) { return s[i] - '0'; };
  int y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  unsigned m = static_cast<unsigned>(digit(5) * 10 + digit(6));
  unsigned d = static_cast<unsigned>(digit(8) * 10 + digit(9));
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

struct Ymd {
  int y;
  unsigned m, d;
};

Ymd civil(std::int32_t z) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// Whole years on `on`; a 29 February birthday falls on 1 March in common years, as in the package.
int age(std::int32_t birth, const Ymd& on) {
  Ymd b = civil(birth);
  int years = on.y - b.y;
  unsigned bm = b.m, bd = b.d;
  bool leap = (on.y % 4 == 0 && on.y % 100 != 0) || on.y % 400 == 0;
  if (bm == 2 && bd == 29 && !leap) bm = 3, bd = 1;
  if (on.m < bm || (on.m == bm && on.d < bd)) --years;
  return years;
}

void copy_id(std::string_view s, char* out, std::size_t size) {
  std::size_t n = s.size() < size - 1 ? s.size() : size - 1;
  std::memcpy(out, s.data(), n);
  out[n] = '\0';
}

}  // namespace

struct BaselineParser::Impl {
  od::parser parser;
  simdjson::padded_string buffer;
};

BaselineParser::BaselineParser() : impl_(new Impl) {}
BaselineParser::~BaselineParser() {
  delete impl_;
}

bool BaselineParser::parse(std::string_view line, BaselineHousehold& h) {
  h = BaselineHousehold{};
  if (impl_->buffer.size() < line.size()) impl_->buffer = simdjson::padded_string(line.size() * 2);
  std::memcpy(impl_->buffer.data(), line.data(), line.size());
  od::document doc;
  if (impl_->parser.iterate(impl_->buffer.data(), line.size(), impl_->buffer.size()).get(doc)) {
    return false;
  }
  od::object root;
  if (doc.get_object().get(root)) return false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    if (key == "id") {
      std::string_view id;
      if (field.value().get_string().get(id)) return false;
      copy_id(id, h.id, sizeof h.id);
    } else if (key == "living_difficulty") {
      if (field.value().get_bool().get(h.living_difficulty)) return false;
    } else if (key == "members") {
      od::array members;
      if (field.value().get_array().get(members)) return false;
      for (auto item : members) {
        if (h.member_count == 16) return false;
        BaselineMember& m = h.members[h.member_count++];
        od::object member;
        if (item.get_object().get(member)) return false;
        for (auto f : member) {
          std::string_view name, text;
          if (f.unescaped_key().get(name)) return false;
          auto value = f.value();
          if (name == "id") {
            if (value.get_string().get(text)) return false;
            copy_id(text, m.id, sizeof m.id);
          } else if (name == "role") {
            if (value.get_string().get(text)) return false;
            m.parent = text == "parent";
            m.child = text == "child";
          } else if (name == "sex") {
            if (value.get_string().get(text)) return false;
            m.female = text == "female";
          } else if (name == "birth_date") {
            if (value.get_string().get(text)) return false;
            m.birth = parse_date(text);
          } else if (name == "hukou") {
            if (value.get_string().get(text)) return false;
            m.urban = text == "urban";
            m.rural = text == "rural";
          } else if (name == "retired") {
            if (value.get_bool().get(m.retired)) return false;
          } else if (name == "deceased") {
            if (value.get_bool().get(m.deceased)) return false;
          } else if (name == "sterilized") {
            if (value.get_bool().get(m.sterilized)) return false;
          } else if (name == "born_after_loss") {
            if (value.get_bool().get(m.born_after_loss)) return false;
          } else if (name == "disability_grade") {
            std::int64_t grade;
            if (value.get_int64().get(grade)) return false;
            m.disability = static_cast<int>(grade);
          } else if (name == "school_stage") {
            if (value.get_string().get(text)) return false;
            m.junior_final = text == "junior_final";
            m.freshman = text == "university_freshman";
          }
        }
      }
    }
  }
  return true;
}

BaselineResult baseline_evaluate(const BaselineHousehold& h, std::int32_t as_of, std::string* out) {
  Ymd on = civil(as_of);
  int ages[16];
  int original_children = 0, dead_original = 0, disabled_original = 0, living_daughters = 0;
  int living_parents = 0, rural_parents = 0;
  bool sterilized_parent = false, young_mother = false;
  for (int i = 0; i < h.member_count; ++i) {
    const BaselineMember& m = h.members[i];
    ages[i] = m.birth == INT32_MIN ? -1 : age(m.birth, on);
    if (m.child && !m.born_after_loss) {
      ++original_children;
      dead_original += m.deceased;
      disabled_original += !m.deceased && m.disability >= 1 && m.disability <= 3;
      living_daughters += !m.deceased && m.female;
    }
    if (m.parent && !m.deceased) {
      ++living_parents;
      rural_parents += m.rural;
      sterilized_parent = sterilized_parent || m.sterilized;
      young_mother = young_mother || (m.female && ages[i] >= 0 && ages[i] <= 49);
    }
  }
  bool shidu = original_children == 1 && dead_original == 1;
  bool special = shidu || (original_children == 1 && disabled_original == 1);
  bool rural = living_parents >= 1 && rural_parents == living_parents;
  bool only_daughter = original_children == 1 && living_daughters == 1;
  bool girl = only_daughter || (original_children == 2 && living_daughters == 2);

  BaselineResult r;
  if (out) {
    *out += "{\"household\":\"";
    *out += h.id;
    *out += "\",\"granted\":[";
  }
  auto grant = [&](const char* rule, const char* recipient) {
    if (out) {
      if (r.granted) *out += ',';
      *out += "{\"rule\":\"";
      *out += rule;
      *out += "\",\"recipient\":\"";
      *out += recipient;
      *out += "\"}";
    }
    ++r.granted;
  };
  if (shidu) {
    grant("shidu_consolation", "household");
    r.once_fen += 200000;
  }
  if (special) {
    grant("festival_visits", "household");
    r.annual_fen += 60000;
  }
  if (rural && girl && sterilized_parent && young_mother) {
    grant("sterilization_reward", "household");
    r.once_fen += 300000;
  }
  for (int i = 0; i < h.member_count; ++i) {
    const BaselineMember& m = h.members[i];
    if (m.deceased) continue;
    if (m.parent && shidu && m.urban && (m.retired || ages[i] >= 60)) {
      grant("shidu_parent_lump_sum", m.id);
      r.once_fen += 700000;
    }
    if (m.parent && shidu && ages[i] >= 70 && h.living_difficulty) {
      grant("care_allowance_70", m.id);
      r.annual_fen += 120000;
    }
    if (m.female && ages[i] >= 35 && ages[i] <= 64) grant("cancer_screening", m.id);
    if (m.child && m.female && m.rural && !m.born_after_loss && only_daughter && m.junior_final) {
      grant("girl_zhongkao_bonus", m.id);
    }
    if (m.freshman) grant("freshman_gift", m.id);
  }
  if (out) {
    char totals[96];
    int n = std::snprintf(
        totals, sizeof totals, "],\"once\":\"%lld.%02lld\",\"annual\":\"%lld.%02lld\"}\n",
        static_cast<long long>(r.once_fen / 100), static_cast<long long>(r.once_fen % 100),
        static_cast<long long>(r.annual_fen / 100), static_cast<long long>(r.annual_fen % 100));
    out->append(totals, static_cast<std::size_t>(n));
  }
  return r;
}

}  // namespace entitle::bench
