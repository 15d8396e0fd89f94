"""Property tests (hypothesis) over the parser, the shell model, variable expansion, .dockerignore
matching, config loading and every rule: the targets of tests/support/fuzz_targets.py, a few cases
each (bench/fuzz.py runs the same targets for longer).

Cases per test: ``IMAGELINT_PROPERTY_EXAMPLES`` (default 40, to keep the suite quick on two
cores). The cases are derived from the test names (``derandomize``), so a run is the same every
time and CI cannot fail by chance; bench/fuzz.py draws new ones from a seed. The counts are printed
at the end of the test run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.support.fuzz_targets import CASES

settings.register_profile(
    "imagelint",
    max_examples=int(os.environ.get("IMAGELINT_PROPERTY_EXAMPLES", "40")),
    deadline=None,  # timed by the targets themselves (SECONDS_PER_CASE), generously
    database=None,  # nothing written into the checkout
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("imagelint")


def pytest_terminal_summary(terminalreporter) -> None:
    if CASES:
        shown = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
        terminalreporter.write_line(f"property cases: {sum(CASES.values())} ({shown})")
