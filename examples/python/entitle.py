"""Python binding of the entitle rules engine over its C API (include/entitle/entitle.h).

Standard library only: ctypes loads the shared library libentitle.so. It is looked up, in order,
at $ENTITLE_LIBRARY (a path), by ctypes.util.find_library("entitle"), then as libentitle.so.0
through the dynamic loader's usual search path.

    rules = RuleSet.load("rules/wuhan-2012")
    result = rules.evaluate(household_dict, "2013-06-01")   # the result JSON contract, as a dict
    print(rules.report(household_dict, lang="zh"))          # the caseworker's text report

Failures raise EntitleError, whose .diagnostics list every problem with its file, line, column,
code and, for household facts, the field path. A RuleSet may be used from many threads at once:
ctypes releases the GIL during each call, and the C API is thread-safe on one rule set.
"""

import ctypes
import ctypes.util
import datetime
import json
import os
from typing import Dict, List, NamedTuple, Optional, Union

# Flags of entitle_evaluate_json / entitle_evaluate_text (entitle.h).
TRACE = 0x1
OMIT_NOT_GRANTED = 0x2

# Status codes (entitle.h, enum entitle_status).
OK, ERROR_ARGUMENT, ERROR_PACKAGE, ERROR_INPUT, ERROR_NO_MEMORY, ERROR_INTERNAL = range(6)


class Diagnostic(NamedTuple):
    severity: str  # "error", "warning" or "note"
    code: str  # stable code, e.g. "E011" (package) or "F003" (household)
    file: str
    line: int  # 1-based, 0 when unknown
    column: int
    path: str  # field path of a household fact, e.g. "members[1].birth_date"
    message: str


class EntitleError(Exception):
    """A failed call: status is one of the ERROR_* codes."""

    def __init__(self, status: int, message: str, diagnostics: List[Diagnostic]):
        super().__init__(message)
        self.status = status
        self.message = message
        self.diagnostics = diagnostics


_lib = None


def _library() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    path = (os.environ.get("ENTITLE_LIBRARY") or ctypes.util.find_library("entitle")
            or "libentitle.so.0")
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise OSError(f"cannot load the entitle library {path!r} ({e}); install entitle or set "
                      "ENTITLE_LIBRARY to the path of libentitle.so") from None
    p, s, i, u = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
    size = ctypes.c_size_t
    out = ctypes.POINTER(ctypes.c_void_p)
    for name, restype, argtypes in [
        ("entitle_version", s, []),
        ("entitle_ruleset_load", p, [s, out]),
        ("entitle_ruleset_load_documents", p, [ctypes.POINTER(s), ctypes.POINTER(s), size, out]),
        ("entitle_ruleset_free", None, [p]),
        ("entitle_ruleset_name", s, [p]),
        ("entitle_ruleset_version", s, [p]),
        ("entitle_ruleset_digest", s, [p]),
        ("entitle_evaluate_json", i, [p, s, s, u, out, out]),
        ("entitle_evaluate_text", i, [p, s, s, s, u, out, out]),
        ("entitle_error_status", i, [p]),
        ("entitle_error_message", s, [p]),
        ("entitle_error_diagnostic_count", size, [p]),
        ("entitle_error_diagnostic_severity", s, [p, size]),
        ("entitle_error_diagnostic_code", s, [p, size]),
        ("entitle_error_diagnostic_file", s, [p, size]),
        ("entitle_error_diagnostic_line", i, [p, size]),
        ("entitle_error_diagnostic_column", i, [p, size]),
        ("entitle_error_diagnostic_path", s, [p, size]),
        ("entitle_error_diagnostic_message", s, [p, size]),
        ("entitle_error_free", None, [p]),
        ("entitle_string_free", None, [p]),
    ]:
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    _lib = lib
    return lib


def version() -> str:
    """The version of the loaded library, "MAJOR.MINOR.PATCH"."""
    return _library().entitle_version().decode()


def _text(b: bytes) -> str:
    return b.decode("utf-8")


def _raise(error: ctypes.c_void_p) -> None:
    """Turns an entitle_error into an EntitleError and frees it."""
    lib = _library()
    try:
        diagnostics = []
        for k in range(lib.entitle_error_diagnostic_count(error)):
            diagnostics.append(Diagnostic(
                _text(lib.entitle_error_diagnostic_severity(error, k)),
                _text(lib.entitle_error_diagnostic_code(error, k)),
                _text(lib.entitle_error_diagnostic_file(error, k)),
                lib.entitle_error_diagnostic_line(error, k),
                lib.entitle_error_diagnostic_column(error, k),
                _text(lib.entitle_error_diagnostic_path(error, k)),
                _text(lib.entitle_error_diagnostic_message(error, k))))
        exception = EntitleError(lib.entitle_error_status(error),
                                 _text(lib.entitle_error_message(error)), diagnostics)
    finally:
        lib.entitle_error_free(error)
    raise exception


def _date_text(as_of: Union[None, str, datetime.date]) -> Optional[bytes]:
    if as_of is None:
        return None
    if isinstance(as_of, datetime.date):
        as_of = as_of.isoformat()
    return as_of.encode()


class RuleSet:
    """A loaded policy package. Close it with close() or a with block (or let it be collected)."""

    def __init__(self, handle: int):
        self._handle = ctypes.c_void_p(handle)

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "RuleSet":
        """Loads the policy package in the folder `path`; EntitleError lists every problem."""
        lib = _library()
        error = ctypes.c_void_p()
        handle = lib.entitle_ruleset_load(os.fsencode(path), ctypes.byref(error))
        if not handle:
            _raise(error)
        return cls(handle)

    @classmethod
    def from_documents(cls, documents: Dict[str, str]) -> "RuleSet":
        """Loads a package from YAML texts by file name; the one named *package.yaml is the
        manifest."""
        lib = _library()
        names = (ctypes.c_char_p * len(documents))(*[n.encode() for n in documents])
        texts = (ctypes.c_char_p * len(documents))(*[t.encode() for t in documents.values()])
        error = ctypes.c_void_p()
        handle = lib.entitle_ruleset_load_documents(names, texts, len(documents),
                                                    ctypes.byref(error))
        if not handle:
            _raise(error)
        return cls(handle)

    @property
    def name(self) -> str:
        return _text(_library().entitle_ruleset_name(self._live()))

    @property
    def version(self) -> str:
        return _text(_library().entitle_ruleset_version(self._live()))

    @property
    def digest(self) -> str:
        return _text(_library().entitle_ruleset_digest(self._live()))

    def evaluate(self, household: dict, as_of: Union[None, str, datetime.date] = None,
                 trace: bool = False, not_granted: bool = True) -> dict:
        """Evaluates one household (the input contract as a dict) as of a date (None: the
        household's own as_of) and returns the result contract as a dict. Amounts are decimal
        strings: read them with decimal.Decimal, never float."""
        flags = (TRACE if trace else 0) | (0 if not_granted else OMIT_NOT_GRANTED)
        return json.loads(self._call("entitle_evaluate_json", household, as_of, flags))

    def report(self, household: dict, as_of: Union[None, str, datetime.date] = None,
               lang: str = "en", trace: bool = False) -> str:
        """The readable report of `entitle eval --format text`, in "en" or "zh"."""
        return self._call("entitle_evaluate_text", household, as_of, TRACE if trace else 0,
                          lang.encode())

    def close(self) -> None:
        if self._handle:
            _library().entitle_ruleset_free(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self) -> "RuleSet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if _lib is not None:
            self.close()

    def _live(self) -> ctypes.c_void_p:
        if not self._handle:
            raise ValueError("the rule set is closed")
        return self._handle

    def _call(self, function: str, household: dict, as_of, flags: int, *lang) -> str:
        lib = _library()
        text = json.dumps(household, ensure_ascii=False).encode("utf-8")
        output, error = ctypes.c_void_p(), ctypes.c_void_p()
        args = (self._live(), text, _date_text(as_of), *lang, flags)
        rc = getattr(lib, function)(*args, ctypes.byref(output), ctypes.byref(error))
        if rc != OK:
            _raise(error)
        try:
            return _text(ctypes.string_at(output))
        finally:
            lib.entitle_string_free(output)
