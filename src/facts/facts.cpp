#include "entitle/facts.hpp"

namespace entitle {

void Facts::reset(std::size_t household_slots, std::size_t member_slots) {
  household_id_.clear();
  as_of_.reset();
  member_count_ = 0;
  household_.assign(household_slots, Value::unknown());
  members_.clear();
  member_slots_ = member_slots;
  strings_used_ = 0;
}

std::size_t Facts::add_member(std::string_view id) {
  if (member_count_ < member_ids_.size()) {
    member_ids_[member_count_] = id;
  } else {
    member_ids_.emplace_back(id);
  }
  members_.resize(members_.size() + member_slots_, Value::unknown());
  return member_count_++;
}

std::string_view Facts::keep_string(std::string_view text) {
  if (strings_used_ < strings_.size()) {
    strings_[strings_used_].assign(text);
  } else {
    strings_.emplace_back(text);
  }
  return strings_[strings_used_++];
}

void Facts::finish_ids() {
  // The built-in `id` is slot 0 of both entities (the checker puts it first).
  if (!household_.empty()) household_[0] = Value::string(household_id_);
  if (member_slots_ == 0) return;
  for (std::size_t m = 0; m < member_count_; ++m) {
    members_[m * member_slots_] = Value::string(member_ids_[m]);
  }
}

}  // namespace entitle
