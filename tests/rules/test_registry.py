"""The rule registry: every rule whatever was imported first, codes never reused, relations that resolve."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from imagelint.rule import RETIRED_CODES, StaleRuleIndex, declared_rules, index_rule, registered_rules

REPO = Path(__file__).resolve().parents[2]

RULES = registered_rules()


@pytest.mark.parametrize(
    "module",
    ["imagelint.rules.security.image_runs_as_root", "imagelint.rules.cache_order.add_git_unpinned_ref", "imagelint.rules"],
)
def test_importing_one_rule_module_first_still_gives_every_rule(module):
    script = f"import {module}\nfrom imagelint.rule import registered_rules\nprint(len(registered_rules()))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(result.stdout) == len(RULES) >= 100


def test_each_rule_lives_in_a_file_named_after_it_in_its_family_folder():
    for rule in RULES.values():
        family = "image" if rule.code.startswith("IL9") else rule.family
        expected = f"imagelint.rules.{family.replace('-', '_')}.{rule.name.replace('-', '_')}"
        assert rule.check.__module__ == expected, (rule.code, rule.check.__module__)


def test_retired_codes_are_not_in_use():
    assert not set(RETIRED_CODES) & set(RULES)


def test_deferrals_name_a_dockerfile_rule():
    deferring = [rule for rule in RULES.values() if rule.defers_to]
    assert deferring, "IL7101 defers to IL7001"
    for rule in deferring:
        assert rule.target == "image" and RULES[rule.defers_to].target == "dockerfile", rule.code


def test_every_declared_option_default_is_valid():
    for rule in RULES.values():
        for name, option in rule.declared_options.items():
            assert rule.option_problem(name, option.default) is None, (rule.code, name)
            assert rule.options[name] == option.default


# Every rule of imagelint 0.1.0, code -> name: a code keeps its meaning for good (configs, pragmas and
# baselines name them), so none may disappear or be renamed.
RULES_OF_0_1_0 = {
    "IL1001": "dependency-install-after-source-copy",
    "IL1002": "package-index-update-alone",
    "IL1003": "volatile-step-before-stable-install",
    "IL1004": "add-url-without-checksum",
    "IL1005": "add-git-unpinned-ref",
    "IL2001": "chmod-after-copy",
    "IL2002": "consecutive-run-instructions",
    "IL2003": "cleanup-in-later-layer",
    "IL2004": "copied-archive-extracted-later",
    "IL2005": "copied-file-removed-later",
    "IL2006": "package-removed-in-later-layer",
    "IL3001": "copy-context-without-dockerignore",
    "IL3002": "copy-context-includes-secrets",
    "IL3003": "copy-context-includes-dev-folders",
    "IL3004": "copy-ignored-file",
    "IL3005": "copy-source-missing-from-context",
    "IL3006": "dockerignore-pattern-matches-nothing",
    "IL3007": "dockerignore-exception-includes-secret",
    "IL4001": "copy-from-unknown-stage",
    "IL4002": "duplicate-stage-name",
    "IL4003": "reserved-stage-name",
    "IL4004": "stage-name-not-lowercase",
    "IL4005": "unused-unnamed-stage",
    "IL4006": "unused-named-stage",
    "IL4007": "copy-whole-filesystem-from-stage",
    "IL4008": "final-stage-on-build-toolchain",
    "IL4009": "build-tools-in-final-stage",
    "IL5001": "untagged-base-image",
    "IL5002": "latest-base-image-tag",
    "IL5003": "base-image-without-digest",
    "IL5004": "untrusted-base-image-registry",
    "IL5005": "full-base-image-in-final-stage",
    "IL5006": "end-of-life-base-image",
    "IL5007": "deprecated-base-image",
    "IL5008": "constant-from-platform",
    "IL5009": "redundant-target-platform",
    "IL6001": "apt-get-install-without-yes",
    "IL6002": "apt-get-install-with-recommends",
    "IL6003": "apt-lists-left-in-layer",
    "IL6004": "apt-instead-of-apt-get",
    "IL6005": "upgrade-all-packages",
    "IL6006": "apk-add-without-no-cache",
    "IL6007": "pip-install-without-no-cache-dir",
    "IL6008": "node-package-cache-left",
    "IL6009": "rpm-install-without-yes",
    "IL6010": "rpm-cache-left",
    "IL6011": "unpinned-apt-package",
    "IL6012": "unpinned-apk-package",
    "IL6013": "unpinned-pip-package",
    "IL6014": "unpinned-npm-package",
    "IL6015": "unpinned-gem",
    "IL6016": "unpinned-rpm-package",
    "IL6017": "unpinned-go-install",
    "IL6018": "wget-and-curl",
    "IL7001": "final-stage-runs-as-root",
    "IL7002": "secret-in-arg-or-env",
    "IL7003": "hardcoded-secret",
    "IL7004": "curl-pipe-to-shell",
    "IL7005": "tls-verification-disabled",
    "IL7006": "verification-disabled-by-env",
    "IL7007": "package-signature-check-disabled",
    "IL7008": "sudo-in-run",
    "IL7009": "world-writable-permissions",
    "IL7010": "ssh-port-exposed",
    "IL7011": "secret-file-copied",
    "IL7012": "download-over-http",
    "IL7013": "hardcoded-password-in-run",
    "IL7101": "image-runs-as-root",
    "IL7102": "secret-in-image-metadata",
    "IL7103": "image-exposes-ssh",
    "IL8001": "invalid-dockerfile-syntax",
    "IL8002": "shell-form-entrypoint",
    "IL8003": "repeated-cmd-entrypoint-healthcheck",
    "IL8004": "maintainer-instruction",
    "IL8005": "invalid-onbuild-trigger",
    "IL8006": "invalid-json-arguments",
    "IL8007": "relative-workdir",
    "IL8008": "relative-copy-without-workdir",
    "IL8009": "copy-multiple-sources-to-file",
    "IL8010": "invalid-expose",
    "IL8011": "undefined-variable",
    "IL8012": "undefined-arg-in-from",
    "IL8013": "variable-used-in-same-instruction",
    "IL8014": "legacy-key-value-format",
    "IL8015": "inconsistent-instruction-casing",
    "IL8016": "pipe-without-pipefail",
    "IL8017": "cd-instead-of-workdir",
    "IL8018": "useradd-high-uid-without-no-log-init",
    "IL8019": "empty-continuation-line",
    "IL9001": "hidden-bytes-in-layer",
    "IL9002": "package-cache-in-image",
    "IL9003": "build-leftovers-in-image",
    "IL9004": "compiler-in-final-image",
    "IL9005": "image-without-healthcheck",
    "IL9006": "layers-not-matched-to-dockerfile",
    "IL9101": "wasted-bytes-over-budget",
    "IL9102": "wasted-percent-over-budget",
    "IL9103": "efficiency-under-budget",
    "IL9104": "image-size-over-budget",
    "IL9111": "dive-lowest-efficiency",
    "IL9112": "dive-highest-wasted-bytes",
    "IL9113": "dive-highest-user-wasted-percent",
}


def test_every_rule_of_0_1_0_still_exists_with_its_name():
    changed = {code: name for code, name in RULES_OF_0_1_0.items() if code not in RULES or RULES[code].name != name}
    assert not changed, f"rules of 0.1.0 gone or renamed: {changed}"


def test_the_rule_index_is_up_to_date():
    """imagelint reads rules from imagelint/rule_index.py; it must say what the rule modules declare."""
    script = runpy.run_path(str(REPO / "scripts" / "gen_rule_index.py"))
    assert script["render"]() == (REPO / "imagelint" / "rule_index.py").read_text(encoding="utf-8"), (
        "imagelint/rule_index.py is out of date: run python scripts/gen_rule_index.py"
    )


def test_a_stale_index_entry_fails_when_its_rule_first_runs():
    entry = {**RULES["IL6006"].index_entry(), "severity": "error"}  # the module declares "info"
    with pytest.raises(StaleRuleIndex, match="run python scripts/gen_rule_index.py"):
        index_rule(entry).check  # noqa: B018 - the property imports and checks


def test_index_rules_match_what_the_modules_declare():
    declared = declared_rules()
    assert list(declared) == list(RULES)
    assert all(declared[code].index_entry() == rule.index_entry() for code, rule in RULES.items())
