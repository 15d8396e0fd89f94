"""Fuzzing the image readers: damaged ``docker save`` archives and OCI layouts (the targets of
tests/support/image_fuzz.py) give a report or one clean ImageError line, never another exception,
within the time budget per case of tests/support/fuzz_targets.py. The case counts are printed.

Cases per test: ``IMAGELINT_PROPERTY_EXAMPLES`` (default 40: quick on two cores), derandomized so CI
is repeatable; ``python bench/fuzz.py --only docker-archive,oci-layout`` runs many more.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.support import image_fuzz
from tests.support.fuzz_targets import CASES, run_case, target

EXAMPLES = int(os.environ.get("IMAGELINT_PROPERTY_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def case_counts(request):
    """Print, once the module is done, how many cases each target ran and how they ended."""
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # what capsys.disabled() does, for a module's fixture
        for name in ("docker-archive", "oci-layout"):
            print(f"\nfuzz {name}: {CASES[name]} cases, {image_fuzz.OUTCOMES[name, 'report']} reports, "
                  f"{image_fuzz.OUTCOMES[name, 'error']} clean errors", end="")  # fmt: skip
        print()


@FUZZ
@given(target("docker-archive").strategy)
def test_a_damaged_docker_archive_gives_a_report_or_one_clean_error(data):
    run_case("docker-archive", data)


@FUZZ
@given(target("oci-layout").strategy)
def test_a_damaged_oci_layout_gives_a_report_or_one_clean_error(data):
    run_case("oci-layout", data)


def test_the_fuzzing_reaches_both_outcomes():
    # Runs after the two above (file order): damage that never yields a report, or never an error,
    # would mean the mutations miss the readers.
    for name in ("docker-archive", "oci-layout"):
        if CASES[name]:
            assert image_fuzz.OUTCOMES[name, "report"] and image_fuzz.OUTCOMES[name, "error"], name
