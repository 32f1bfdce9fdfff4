// Reform packages (docs/policy-format.md "Reform packages"): a package that extends a base
// package and says only what changes. apply_reform resolves a reform's changes against its base
// and merges the two trees into the tree of one ordinary package, which check_package then
// checks like any other.
#pragma once

#include "entitle/diagnostic.hpp"
#include "load/syntax.hpp"

namespace entitle::check {

// Merges `reform` (a tree whose manifest has `extends`) into `base` (the tree of the package it
// extends, loaded without errors). The result holds the base's files, then the reform's, with
// every location adjusted; its manifest is the reform's name, version and sources added to the
// base's; its declarations are the base's with the reform's changes applied (parameters with
// new dated values, definitions with new expressions, rules replaced in place, removed, or with
// a new effective period) and the reform's own declarations after them.
//
// Appends a diagnostic at the reform's file:line:col for every change that names something the
// base does not have (with a "did you mean"), for a name the reform declares that the base
// already has, for a base that is itself a reform, and for conflicting changes. Never throws
// for bad input; std::bad_alloc may escape.
load::SyntaxTree apply_reform(load::SyntaxTree base, load::SyntaxTree reform,
                              Diagnostics& diagnostics);

}  // namespace entitle::check
