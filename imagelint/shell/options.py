"""What ``Command``'s option queries need to know about programs: which options take a separate
value (``KNOWN_VALUE_OPTIONS``) and which programs spell whole-word options with one dash.
"""

from __future__ import annotations

from imagelint.knowledge.package_managers import VALUE_OPTIONS as PACKAGE_MANAGER_VALUE_OPTIONS

# Options that take a separate value, per program, so that ``subcommand()`` and ``has_option()``
# do not mistake ``apt-get -o Foo=1 install`` for the subcommand ``Foo=1`` or read ``tar -C/opt``
# as containing ``-o``. Callers can pass their own set instead.
_V = lambda s: frozenset(s.split())  # noqa: E731
KNOWN_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    **PACKAGE_MANAGER_VALUE_OPTIONS,  # apt-get, apk, dnf, pip, npm...: see knowledge.package_managers
    "git": _V(
        "-C -c --git-dir --work-tree --namespace -b --branch --depth -o --origin --config "
        "--reference --separate-git-dir -j --jobs --filter --shallow-since --template"
    ),
    "curl": _V(
        "-o --output -H --header -d --data --data-binary --data-raw --data-urlencode -u --user -A "
        "--user-agent -e --referer -X --request -x --proxy -m --max-time --connect-timeout --retry "
        "--retry-delay --retry-max-time -w --write-out -T --upload-file -F --form -b --cookie -c "
        "--cookie-jar -r --range -C --continue-at -K --config --cacert --capath -E --cert --key "
        "--resolve --interface -y --speed-time -Y --speed-limit -z --time-cond --output-dir "
        "--proto --proto-redir --limit-rate --max-filesize --url -U --proxy-user --netrc-file"
    ),
    "wget": _V(
        "-O --output-document -o --output-file -a --append-output -P --directory-prefix -t --tries "
        "-T --timeout -U --user-agent --header -e --execute -i --input-file -B --base --user "
        "--password --post-data --post-file --ca-certificate --ca-directory --certificate "
        "--private-key --limit-rate -w --wait -Q --quota -l --level -A --accept -R --reject -D "
        "--domains --progress"
    ),
    "tar": _V(
        "-f --file -C --directory -T --files-from -X --exclude-from --exclude -b --blocking-factor "
        "--owner --group --mode --transform --strip-components -I --use-compress-program -H "
        "--format -g --listed-incremental -N --newer -K -L -V --label"
    ),
    "go": _V(
        "-o -C -ldflags -gcflags -tags -mod -modfile -p -pkgdir -asmflags -buildmode -compiler "
        "-exec -overlay -pgo -toolexec"
    ),
}
del _V

# Programs whose single-dash options are whole words (``go build -ldflags``, ``find -name``), so
# ``-ldflags`` must not be read as ``-l -d -f ...``.
SINGLE_DASH_LONG = frozenset(
    {"go", "find", "java", "javac", "gcc", "g++", "cc", "c++", "clang", "clang++", "ld", "dotnet", "ffmpeg"}
)


def takes_next_word(option: str, value_options: frozenset[str] | set[str], whole_words: bool = False) -> bool:
    """Whether the option word ``option`` (``-o``, ``--output``, ``-xzf``) is followed by its value as
    the next word: ``--output`` without ``=x``, or a run of short letters ending in one that takes a
    value (``-xzf file``, not ``-fx`` nor ``-ffile``). ``whole_words``: single-dash options are words."""
    if option[1] == "-" or whole_words:
        return "=" not in option and option in value_options
    for k in range(1, len(option)):
        if "-" + option[k] in value_options:
            return k == len(option) - 1
    return False
