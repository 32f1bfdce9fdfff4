#include "render/value_text.hpp"

namespace entitle::render {

std::string_view error_name(EvalError error) noexcept {
  switch (error) {
    case EvalError::kNone:
      return "none";
    case EvalError::kOverflow:
      return "overflow";
    case EvalError::kDivisionByZero:
      return "division by zero";
    case EvalError::kNoParameterValue:
      return "parameter has no value on this date";
    case EvalError::kStepBudget:
      return "evaluation step budget exceeded (limit max_eval_steps)";
  }
  return "error";
}

std::string value_text(const Value& value, const compile::NodeInfo& info) {
  switch (value.kind) {
    case ValueKind::kUnknown:
      return "unknown";
    case ValueKind::kBool:
      return value.as_bool() ? "true" : "false";
    case ValueKind::kNumber:
      return info.type == load::TypeKind::kMoney ? money_text(value.as_number())
                                                 : value.as_number().to_string();
    case ValueKind::kDate:
      return value.as_date().to_string();
    case ValueKind::kEnum:
      if (info.enum_values && value.as_enum() < info.enum_values->size()) {
        return (*info.enum_values)[value.as_enum()];
      }
      return std::to_string(value.as_enum());
    case ValueKind::kString:
      return std::string(value.as_string());
    case ValueKind::kError:
      return std::string("error: ") + std::string(error_name(value.as_error()));
  }
  return "?";
}

}  // namespace entitle::render
