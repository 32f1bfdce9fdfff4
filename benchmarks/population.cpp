#include "population.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace entitle::bench {
namespace {

// xoshiro256** seeded through splitmix64 (Blackman and Vigna, public domain).
class Random {
 public:
  Random(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = seed ^ (stream * 0x9E3779B97F4A7C15ull);
    for (auto& s : s_)
      s = splitmix(x);
  }
  std::uint64_t next() {
    std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [lo, hi] (Lemire's multiply-shift; the bias is below 2^-40 for these ranges).
  int range(int lo, int hi) {
    auto span = static_cast<std::uint64_t>(hi - lo + 1);
    return lo + static_cast<int>((static_cast<unsigned __int128>(next()) * span) >> 64);
  }
  // True with probability per_mille / 1000.
  bool chance(int per_mille) { return range(0, 999) < per_mille; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

struct Member {
  std::string id;
  const char* role = "parent";
  const char* sex = "male";
  std::optional<Date> birth;
  const char* hukou = "urban";
  bool has_role = true, has_sex = true, has_hukou = true;
  bool local = true, retired = false, deceased = false, sterilized = false;
  bool born_after_loss = false;
  int disability = 0;
  const char* school = "none";
};

struct Household {
  std::string id;
  bool living_difficulty = false, wubao = false, lowrent = false, planning = false,
       complies = false, family_planning = false, startup = false;
  std::vector<Member> members;
};

class Generator {
 public:
  Generator(std::uint64_t seed, Date as_of) : seed_(seed), as_of_(as_of) {}

  const Household& make(std::uint64_t index) {
    Random r(seed_, index);
    h_ = Household{};
    h_.id = "wh";
    h_.id += std::to_string(index + 1);
    next_member_ = 0;
    bool rural = r.chance(380);
    bool local = !r.chance(rural ? 250 : 80);
    const char* hukou = rural ? "rural" : "urban";
    int kind = r.range(0, 999);
    if (kind < 200) {
      one_child(r, hukou, local, r.chance(480) ? "female" : "male");
    } else if (kind < 290) {
      one_child(r, "rural", local, "female");  // rural only-daughter
    } else if (kind < 350) {
      two_children(r, "rural", local, "female", "female");  // rural two-daughter
    } else if (kind < 450) {
      two_children(r, hukou, local, r.chance(500) ? "female" : "male", "male");
    } else if (kind < 510) {
      shidu(r, hukou, local);
    } else if (kind < 560) {
      disabled_child(r, hukou, local);
    } else if (kind < 680) {
      elderly_couple(r, hukou, local);
    } else if (kind < 770) {
      young_couple(r, hukou, local);
    } else if (kind < 900) {
      three_generations(r, hukou, local);
    } else if (kind < 950) {
      widowed(r, hukou, local);
    } else {
      one_child(r, hukou, local, r.chance(500) ? "female" : "male", /*freshman=*/true);
    }
    h_.family_planning = r.chance(550);
    h_.startup = h_.family_planning && r.chance(40);
    h_.living_difficulty = h_.living_difficulty || r.chance(100);
    h_.lowrent = h_.lowrent || r.chance(40);
    // A few households lack a fact, so that some rules are undetermined.
    if (r.chance(20) && !h_.members.empty()) {
      Member& m = h_.members[r.range(0, static_cast<int>(h_.members.size()) - 1)];
      switch (r.range(0, 2)) {
        case 0:
          m.birth.reset();
          break;
        case 1:
          m.has_sex = false;
          break;
        default:
          m.has_hukou = false;
      }
    }
    return h_;
  }

 private:
  // A birth date for someone `age` years old on as_of. Ages near a threshold get a birthday on,
  // one day before or one day after as_of about a third of the time; 1 in 200 is born on
  // 29 February of a leap year near that age.
  Date birth_for_age(Random& r, int age) {
    int year = as_of_.year() - age;
    if (r.chance(5)) {
      int leap = year - ((year % 4) + 4) % 4;
      if (leap % 100 == 0 && leap % 400 != 0) leap -= 4;
      if (auto d = Date::from_ymd(leap, 2, 29)) return *d;
    }
    if (r.chance(330)) {
      auto anniversary = Date::from_ymd(year, as_of_.month(), std::min(as_of_.day(), 28u));
      if (anniversary) return anniversary->plus_days(r.range(-1, 1));
    }
    // Anywhere in the year before the birthday that makes them `age` on as_of.
    Date end = *Date::from_ymd(year, as_of_.month(), std::min(as_of_.day(), 28u));
    return end.plus_days(-r.range(0, 364));
  }

  // Ages crowd the thresholds: 49/50 (childbearing age), 59-61 (60), 63-65 (64), 69-71 (70).
  int adult_age(Random& r, int lo, int hi) {
    static constexpr int kThresholds[] = {49, 60, 64, 70};
    if (r.chance(450)) {
      int t = kThresholds[r.range(0, 3)] + r.range(-1, 1);
      if (t >= lo && t <= hi) return t;
    }
    return r.range(lo, hi);
  }

  Member& add(Random& r, const char* role, const char* sex, int age, const char* hukou,
              bool local) {
    Member m;
    m.id = "m";
    m.id += std::to_string(++next_member_);
    m.role = role;
    m.sex = sex;
    m.birth = birth_for_age(r, age);
    m.hukou = hukou;
    m.local = local;
    // Retirement: 60 for men, 50 or 55 for women.
    int retire_age = std::strcmp(sex, "male") == 0 ? 60 : (r.chance(500) ? 50 : 55);
    m.retired = std::strcmp(role, "child") != 0 && age >= retire_age && r.chance(850);
    h_.members.push_back(std::move(m));
    return h_.members.back();
  }

  void couple(Random& r, const char* hukou, bool local, int wife_age) {
    int husband_age = std::max(20, wife_age + r.range(-2, 5));
    add(r, "parent", "male", husband_age, hukou, local);
    add(r, "parent", "female", wife_age, hukou, local);
  }

  const char* school_stage(Random& r, int age) {
    if (age == 15) return r.chance(800) ? "junior_final" : "none";
    if (age == 16 || age == 17) return "high_school";
    if (age == 18) return r.chance(500) ? "high_school_final" : "university_freshman";
    if (age == 19) return r.chance(300) ? "university_freshman" : "none";
    return "none";
  }

  Member& child(Random& r, const char* sex, int mother_age, const char* hukou, bool local,
                bool freshman = false) {
    int hi = std::min(mother_age - 18, 40);
    int age = freshman ? r.range(18, 19) : (r.chance(500) ? r.range(13, 20) : r.range(0, hi));
    age = std::max(0, std::min(age, hi));
    Member& c = add(r, "child", sex, age, hukou, local);
    c.school = freshman ? "university_freshman" : school_stage(r, age);
    return c;
  }

  void one_child(Random& r, const char* hukou, bool local, const char* sex, bool freshman = false) {
    int wife = freshman ? r.range(38, 52) : adult_age(r, 25, 66);
    couple(r, hukou, local, wife);
    child(r, sex, wife, hukou, local, freshman);
    h_.members[0].sterilized = r.chance(150);
    h_.members[1].sterilized = r.chance(250);
  }

  void two_children(Random& r, const char* hukou, bool local, const char* first,
                    const char* second) {
    int wife = adult_age(r, 27, 60);
    couple(r, hukou, local, wife);
    child(r, first, wife, hukou, local);
    child(r, second, wife, hukou, local);
    h_.members[r.range(0, 1)].sterilized = r.chance(400);
  }

  void shidu(Random& r, const char* hukou, bool local) {
    int wife = adult_age(r, 45, 80);
    couple(r, hukou, local, wife);
    Member& lost = child(r, r.chance(500) ? "female" : "male", wife, hukou, local);
    lost.deceased = true;
    lost.school = "none";
    if (wife <= 50 && r.chance(300)) {
      Member& again = child(r, r.chance(500) ? "female" : "male", std::min(wife, 40), hukou, local);
      again.born_after_loss = true;
    }
    if (r.chance(80)) h_.members[0].deceased = true;
    h_.living_difficulty = r.chance(300);
    h_.wubao = std::strcmp(hukou, "rural") == 0 && r.chance(200);
  }

  void disabled_child(Random& r, const char* hukou, bool local) {
    int wife = adult_age(r, 35, 75);
    couple(r, hukou, local, wife);
    Member& c = child(r, r.chance(500) ? "female" : "male", wife, hukou, local);
    c.disability = r.range(1, 4);
    h_.lowrent = r.chance(200);
    h_.wubao = std::strcmp(hukou, "rural") == 0 && r.chance(100);
  }

  void elderly_couple(Random& r, const char* hukou, bool local) {
    couple(r, hukou, local, adult_age(r, 55, 85));
  }

  void young_couple(Random& r, const char* hukou, bool local) {
    couple(r, hukou, local, r.range(22, 38));
    h_.planning = r.chance(500);
    h_.complies = r.chance(800);
  }

  void three_generations(Random& r, const char* hukou, bool local) {
    int wife = adult_age(r, 28, 50);
    couple(r, hukou, local, wife);
    child(r, r.chance(480) ? "female" : "male", wife, hukou, local);
    int grandparents = r.range(1, 2);
    for (int i = 0; i < grandparents; ++i) {
      add(r, "other", i == 0 ? "female" : "male", wife + r.range(22, 30), hukou, local);
    }
  }

  void widowed(Random& r, const char* hukou, bool local) {
    couple(r, hukou, local, adult_age(r, 50, 85));
    h_.members[r.range(0, 1)].deceased = true;
  }

  std::uint64_t seed_;
  Date as_of_;
  Household h_;
  int next_member_ = 0;
};

constexpr std::string_view kCsvHeader =
    "household_id,as_of,living_difficulty,meets_wubao_conditions,meets_lowrent_conditions,"
    "planning_pregnancy,complies_birth_policy,family_planning_household,"
    "startup_project_selected,member_id,role,sex,birth_date,hukou,local_hukou,retired,deceased,"
    "sterilized,born_after_loss,disability_grade,school_stage\n";

const char* yes(bool b) {
  return b ? "true" : "false";
}

// Appends every piece to `out` (GCC 12 warns falsely on chains of std::string operator+).
template <typename... Pieces>
void cat(std::string& out, const Pieces&... pieces) {
  (out.append(pieces), ...);
}

// JSON Lines: facts at their default values are left out, as a case-management export would.
void write_json(const Household& h, const std::string& as_of, std::string& out) {
  cat(out, "{\"id\":\"", h.id, "\",\"as_of\":\"", as_of, "\"");
  auto flag = [&](const char* name, bool value) {
    if (value) cat(out, ",\"", name, "\":true");
  };
  flag("living_difficulty", h.living_difficulty);
  flag("meets_wubao_conditions", h.wubao);
  flag("meets_lowrent_conditions", h.lowrent);
  flag("planning_pregnancy", h.planning);
  flag("complies_birth_policy", h.complies);
  flag("family_planning_household", h.family_planning);
  flag("startup_project_selected", h.startup);
  out += ",\"members\":[";
  for (std::size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    if (i) out += ',';
    cat(out, "{\"id\":\"", m.id, "\",\"role\":\"", m.role, "\"");
    if (m.has_sex) cat(out, ",\"sex\":\"", m.sex, "\"");
    if (m.birth) cat(out, ",\"birth_date\":\"", m.birth->to_string(), "\"");
    if (m.has_hukou) cat(out, ",\"hukou\":\"", m.hukou, "\"");
    if (!m.local) out += ",\"local_hukou\":false";
    if (m.retired) out += ",\"retired\":true";
    if (m.deceased) out += ",\"deceased\":true";
    if (m.sterilized) out += ",\"sterilized\":true";
    if (m.born_after_loss) out += ",\"born_after_loss\":true";
    if (m.disability) cat(out, ",\"disability_grade\":", std::to_string(m.disability));
    if (std::strcmp(m.school, "none") != 0) cat(out, ",\"school_stage\":\"", m.school, "\"");
    out += '}';
  }
  out += "]}\n";
}

// CSV: every column written, as a spreadsheet export would; an unknown fact is an empty cell.
void write_csv(const Household& h, const std::string& as_of, std::string& out) {
  for (const Member& m : h.members) {
    cat(out, h.id, ",", as_of, ",", yes(h.living_difficulty), ",", yes(h.wubao), ",",
        yes(h.lowrent), ",", yes(h.planning), ",", yes(h.complies), ",", yes(h.family_planning),
        ",", yes(h.startup), ",");
    cat(out, m.id, ",", m.role, ",", m.has_sex ? m.sex : "", ",",
        m.birth ? m.birth->to_string() : std::string(), ",", m.has_hukou ? m.hukou : "", ",",
        yes(m.local), ",", yes(m.retired), ",", yes(m.deceased), ",", yes(m.sterilized), ",",
        yes(m.born_after_loss), ",", std::to_string(m.disability), ",", m.school, "\n");
  }
}

}  // namespace

std::string_view population_csv_header() {
  return kCsvHeader;
}

void append_household(std::uint64_t seed, std::uint64_t index, Date as_of, PopulationFormat format,
                      std::string& out) {
  Generator generator(seed, as_of);
  const Household& h = generator.make(index);
  std::string date = as_of.to_string();
  if (format == PopulationFormat::kCsv) {
    write_csv(h, date, out);
  } else {
    write_json(h, date, out);
  }
}

}  // namespace entitle::bench
