"""Helpers of the CLI end-to-end tests that collect failures instead of stopping at the first
(standard library only; not a test itself: ctest runs test_*.py)."""
import subprocess
import sys


def runner(program):
    """A function running `program` with arguments, capturing text output."""
    def run(*args):
        return subprocess.run([program, *args], capture_output=True, text=True, timeout=300)
    return run


class Checks:
    """check(condition, message) records a failure; finish() prints them and exits 1, or
    prints `summary` and exits 0."""

    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        if not condition:
            self.failures.append(message)

    def finish(self, summary="ok"):
        if self.failures:
            print("\n".join(self.failures))
            sys.exit(1)
        print(summary)
        sys.exit(0)
