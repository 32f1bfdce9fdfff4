// Where a package's policy tests are: shared by `entitle test` and lint.
#pragma once

#include <string>
#include <vector>

namespace entitle::policytest {

// The paths of DIR/tests/*.yaml in name order; empty when there is no tests folder.
std::vector<std::string> test_files(const std::string& package_directory);

}  // namespace entitle::policytest
