/* ENTITLE_EXPORT: marks what the shared library libentitle.so exports.
 *
 * The library is compiled with hidden symbol visibility, so only declarations carrying this
 * macro are visible outside libentitle.so: the C API (entitle.h) and the C++ public API (the
 * .hpp headers in include/entitle/). Every declaration in include/entitle/ that is defined in a
 * .cpp file must carry it, or C++ programs linking the shared library fail to link. Everything
 * under src/ stays hidden. In the static library the macro changes nothing for programs that link
 * it.
 *
 * Usable from C and C++. Only ELF platforms with GCC or Clang are supported for now: elsewhere
 * the macro is empty (a Windows DLL would need dllexport/dllimport here). */
#ifndef ENTITLE_EXPORT_H_
#define ENTITLE_EXPORT_H_

/* ENTITLE_HIDDEN: for the private nested types of exported classes (RuleSet::Impl,
 * Evaluator::State), which would otherwise inherit the class's default visibility. */
#if defined(__GNUC__) || defined(__clang__)
#define ENTITLE_EXPORT __attribute__((visibility("default")))
#define ENTITLE_HIDDEN __attribute__((visibility("hidden")))
#else
#define ENTITLE_EXPORT
#define ENTITLE_HIDDEN
#endif

#endif /* ENTITLE_EXPORT_H_ */
