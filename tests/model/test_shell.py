"""Tests for imagelint.shell: the model of commands inside RUN instructions."""

from __future__ import annotations

import time

import pytest

from imagelint.shell import Command, Script, Word, parse_script


def names(script: Script) -> list[str]:
    return [c.name for c in script.commands]


def argv(command: Command) -> list[str]:
    return [w.value for w in command.words]


def only(text: str, **kwargs) -> Command:
    script = parse_script(text, **kwargs)
    assert len(script.commands) == 1, [argv(c) for c in script.commands]
    return script.commands[0]


def assert_offsets(script: Script) -> None:
    """Every word of a command parsed straight from the text points at its own raw text."""
    for command in script.commands:
        for word in command.raw_words:
            assert 0 <= word.start <= word.end <= len(script.text)
            if command.depth == 0 or not command.subshell:
                assert script.text[word.start : word.end] == word.raw, (word, command)


# --- simple commands and chains ------------------------------------------------------------------


def test_apt_get_chain():
    text = (
        "apt-get update && apt-get install -y --no-install-recommends curl ca-certificates "
        "&& rm -rf /var/lib/apt/lists/*"
    )
    script = parse_script(text)
    assert names(script) == ["apt-get", "apt-get", "rm"]
    install = script.commands[1]
    assert install.args == ["install", "-y", "--no-install-recommends", "curl", "ca-certificates"]
    assert install.has_option("-y")
    assert install.has_option("--no-install-recommends")
    assert not install.has_option("--yes", "-q")
    assert [c.connector for c in script.commands] == [None, "&&", "&&"]
    assert script.commands[2].args == ["-rf", "/var/lib/apt/lists/*"]
    assert not script.incomplete
    assert_offsets(script)


def test_joined_continuation_lines_keep_offsets():
    # Docker removes "\\\n"; what is left are runs of blanks between commands.
    text = "set -eux;     apt-get update;     apt-get install -y git;     rm -rf /var/lib/apt/lists/*"
    script = parse_script(text)
    assert names(script) == ["set", "apt-get", "apt-get", "rm"]
    assert script.sets == frozenset({"e", "u", "x"})
    for command in script.commands:
        assert text[command.start : command.end].startswith(command.words[0].raw)
    assert_offsets(script)


def test_word_offsets_point_into_text():
    text = "echo  'a b'  \"c $HOME\"  d\\ e  f=g"
    script = parse_script(text)
    words = script.commands[0].words
    assert [w.value for w in words] == ["echo", "a b", "c $HOME", "d e", "f=g"]
    assert [w.raw for w in words] == ["echo", "'a b'", '"c $HOME"', "d\\ e", "f=g"]
    for w in words:
        assert text[w.start : w.end] == w.raw
    assert [w.quoted for w in words] == [False, True, True, True, False]


def test_command_span_covers_prefixes_and_redirects():
    text = "true; A=1 cmd arg >/dev/null 2>&1; next"
    script = parse_script(text)
    cmd = script.commands[1]
    assert text[cmd.start : cmd.end] == "A=1 cmd arg >/dev/null 2>&1"


def test_name_is_basename():
    assert only("/usr/bin/apt-get update").name == "apt-get"
    assert only("./configure --prefix=/usr").name == "configure"
    assert parse_script("A=1").commands[0].name == ""


def test_empty_and_blank_scripts():
    for text in ("", "   ", "\n\n", "# just a comment", ";"):
        script = parse_script(text)
        assert script.commands == []


def test_first_command_has_no_connector_even_after_comments():
    script = parse_script("\n# comment\n;\n  apt-get update\n")
    assert script.commands[0].connector is None


def test_connectors():
    script = parse_script("a; b && c || d & e | f |& g\nh")
    assert names(script) == list("abcdefgh")
    assert [c.connector for c in script.commands] == [None, ";", "&&", "||", "&", "|", "|&", "\n"]


def test_newline_after_and_keeps_connector():
    script = parse_script("a &&\n  b ||\n c |\n d")
    assert [c.connector for c in script.commands] == [None, "&&", "||", "|"]
    assert len(script.pipelines()) == 3


# --- pipelines -------------------------------------------------------------------------------------


def test_curl_pipe_sh():
    script = parse_script("curl -fsSL https://get.example.com | sh -")
    assert script.pipelines() == [script.commands]
    curl, sh = script.commands
    assert curl.has_option("-f") and curl.has_option("-L") and curl.has_option("-s")
    assert sh.connector == "|" and sh.name == "sh"


def test_wget_pipe_tar():
    script = parse_script("wget -qO- https://x/y.tgz | tar -xz -C /opt && ln -s /opt/y /usr/bin/y")
    wget, tar, ln = script.commands
    assert wget.option_value("-O") == "-"
    assert wget.has_option("-q")
    assert tar.option_value("-C") == "/opt"
    assert tar.has_option("-x") and tar.has_option("-z")
    assert not tar.has_option("-o")  # -C takes a value: "/opt" is not a bundle of options
    assert [len(p) for p in script.pipelines()] == [2, 1]
    assert wget.pipeline == tar.pipeline != ln.pipeline


def test_pipelines_numbered_in_source_order():
    script = parse_script("a | b; c; d | e | f")
    assert [c.pipeline for c in script.commands] == [0, 0, 1, 2, 2, 2]
    assert [[c.name for c in p] for p in script.pipelines()] == [["a", "b"], ["c"], ["d", "e", "f"]]


def test_pipe_into_compound_joins_first_inner_command():
    script = parse_script("curl -s x | while read -r line; do echo $line; done; tail log")
    curl, read, echo, tail = script.commands
    assert read.pipeline == curl.pipeline
    assert echo.pipeline != curl.pipeline
    assert tail.pipeline not in (curl.pipeline, echo.pipeline)


def test_compound_piped_onwards():
    script = parse_script("{ echo a; echo b; } | sort")
    a, b, sort = script.commands
    assert sort.pipeline == a.pipeline


# --- set ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("set -eux; true", {"e", "u", "x"}),
        ("set -e", {"e"}),
        ("set -o pipefail && true", {"pipefail"}),
        ("set -euxo pipefail; true", {"e", "u", "x", "pipefail"}),
        ("set -euo pipefail", {"e", "u", "pipefail"}),
        ("set -eu -o pipefail", {"e", "u", "pipefail"}),
        ("set -o errexit -o nounset", {"e", "u"}),
        ("set -ex; set +x; true", {"e"}),
        ("set -- a b", set()),
        ("true", set()),
    ],
)
def test_sets(text, expected):
    assert parse_script(text).sets == frozenset(expected)


def test_set_in_child_shell_does_not_count():
    assert parse_script("(set -e; false); true").sets == frozenset()
    assert parse_script("sh -c 'set -e; false'").sets == frozenset()
    assert parse_script("if true; then set -e; fi").sets == frozenset({"e"})


# --- options ---------------------------------------------------------------------------------------


def test_combined_short_flags():
    cmd = only("apt-get install -qqy --no-install-recommends vim")
    assert cmd.has_option("-y")
    assert cmd.has_option("-q")
    assert not cmd.has_option("-qq")  # a multi-letter name matches whole words only
    assert only("apt-get install -qq -y vim").has_option("-qq")
    assert not cmd.has_option("-n")  # never look inside long options


def test_has_option_equals_and_double_dash():
    cmd = only("pip install --no-cache-dir=1 --target x -- -y")
    assert cmd.has_option("--no-cache-dir")
    assert cmd.has_option("--target")
    assert not cmd.has_option("-y")  # after --


def test_has_option_does_not_read_option_values_as_flags():
    cmd = only("apt-get -o Dpkg::Options::=--force-confold install -y x")
    assert cmd.has_option("-y")
    assert cmd.subcommand() == "install"
    cmd = only("curl -o /tmp/yum.sh https://x")
    assert not cmd.has_option("-y")


def test_pip_install():
    cmd = only("pip install --no-cache-dir -r requirements.txt")
    assert cmd.name == "pip"
    assert cmd.subcommand() == "install"
    assert cmd.has_option("--no-cache-dir")
    assert cmd.option_value("-r", "--requirement") == "requirements.txt"
    assert cmd.positionals() == ["install"]


def test_option_value_forms():
    assert only("x --target=arm64").option_value("--target") == "arm64"
    assert only("x --target arm64").option_value("--target") == "arm64"
    assert only("x -t arm64").option_value("-t") == "arm64"
    assert only("x -tarm64").option_value("-t") == "arm64"
    assert only("tar -xzf a.tgz -C /opt").option_value("-f") == "a.tgz"
    assert only("x --target").option_value("--target") is None
    assert only("x").option_value("--target") is None
    assert only("pip install -r a.txt -r b.txt").option_values("-r") == ["a.txt", "b.txt"]
    assert only("x -t a -t b").option_value("-t") == "b"


def test_subcommand_skips_options_with_values():
    assert only("apt-get -q update").subcommand() == "update"
    assert only("apt-get -t bookworm-backports install -y x").subcommand() == "install"
    assert only("git -C /src clone https://x").subcommand() == "clone"
    assert only("apk --no-cache add curl").subcommand() == "add"
    assert only("mytool -z val run").subcommand() == "val"
    assert only("mytool -z val run").subcommand({"-z"}) == "run"
    assert only("mytool --zone val run").subcommand(["--zone"]) == "run"
    assert only("apt-get -y").subcommand() is None


def test_old_style_tar_bundle():
    cmd = only("tar xzf archive.tgz -C /usr/local")
    assert cmd.has_option("-z")
    assert cmd.option_value("-f") == "archive.tgz"


def test_single_dash_long_options_of_go_and_find():
    cmd = only('go build -ldflags "-s -w" -o /out ./cmd')
    assert cmd.option_value("-o") == "/out"
    assert cmd.has_option("-ldflags")
    assert not cmd.has_option("-s")  # not "-l -d -f -l -a -g -s"
    assert only("find / -name '*.pyc' -delete").has_option("-delete")


# --- env prefixes and wrappers -------------------------------------------------------------------


def test_env_prefix():
    cmd = only("DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata")
    assert cmd.name == "apt-get"
    assert cmd.assignments == [("DEBIAN_FRONTEND", "noninteractive")]
    assert argv(cmd) == ["apt-get", "install", "-y", "tzdata"]
    assert [w.value for w in cmd.raw_words][0] == "DEBIAN_FRONTEND=noninteractive"


def test_assignment_only_command_is_kept():
    script = parse_script('A=1 B="two words"; echo $A')
    first = script.commands[0]
    assert first.words == [] and first.name == "" and first.args == []
    assert first.assignments == [("A", "1"), ("B", "two words")]
    assert script.commands[1].name == "echo"


def test_array_assignment():
    text = "bash -c 'dirs=( /etc/a  /var/log ); for d in \"${dirs[@]}\"; do mkdir -p $d; done'"
    script = parse_script(text)
    assert names(script) == ["bash", "", "mkdir"]
    assert script.commands[1].assignments == [("dirs", "( /etc/a  /var/log )")]
    assert not script.incomplete
    script = parse_script("declare -a x=(a b $(ls)); x+=(c)")
    assert names(script) == ["declare", "ls", ""]
    assert script.commands[0].args == ["-a", "x=(a b $(ls))"]


def test_quoted_name_is_not_an_assignment():
    cmd = only("'A=1' cmd")
    assert cmd.name == "A=1" and cmd.assignments == []


def test_sudo_wrapper():
    cmd = only("sudo -E apt-get install -y x")
    assert cmd.name == "apt-get"
    assert cmd.wrappers == ["sudo"]
    assert [w.value for w in cmd.raw_words][:2] == ["sudo", "-E"]
    assert cmd.has_option("-y")


def test_sudo_with_user_option():
    cmd = only("sudo -u postgres -H psql -c 'select 1'")
    assert cmd.name == "psql" and cmd.wrappers == ["sudo"]
    assert cmd.raw_words[0].value == "sudo"
    assert cmd.raw_words[0].start == 0


def test_sudo_alone_stays_sudo():
    assert only("sudo -i").name == "sudo"
    assert only("sudo").wrappers == []


@pytest.mark.parametrize(
    "text, name, wrappers",
    [
        ("env -i PATH=/bin A=1 make install", "make", ["env"]),
        ("nice -n 5 make -j4", "make", ["nice"]),
        ("nohup server &", "server", ["nohup"]),
        ("time make", "make", ["time"]),
        ("exec gosu app node server.js", "node", ["exec", "gosu"]),
        ("command make", "make", ["command"]),
        ("timeout 10 curl -f http://x", "curl", ["timeout"]),
        ("timeout -s KILL 10s curl x", "curl", ["timeout"]),
        ("find . -name x | xargs -r rm -f", "rm", ["xargs"]),
        ("xargs -I {} cp {} /dst", "cp", ["xargs"]),
        ("sudo -E env A=1 nice apt-get update", "apt-get", ["sudo", "env", "nice"]),
        ("eatmydata apt-get install -y x", "apt-get", ["eatmydata"]),
    ],
)
def test_wrappers(text, name, wrappers):
    cmd = parse_script(text).commands[-1]
    assert cmd.name == name
    assert cmd.wrappers == wrappers


def test_find_runs_each_exec_program_as_a_nested_command():
    script = parse_script("sudo find /srv -type d -exec chmod 755 {} + -o -execdir env A=1 rm -f {} \\; && echo ok")
    find, chmod, rm, echo = script.commands
    assert find.name == "find" and "-exec" in find.args  # find keeps its whole argv
    assert (chmod.name, chmod.args, chmod.wrappers) == ("chmod", ["755", "{}"], ["sudo", "find"])
    assert (rm.name, rm.args, rm.wrappers, rm.assignments) == ("rm", ["-f", "{}"], ["sudo", "find", "env"], [("A", "1")])
    for child in (chmod, rm):  # a child process of find, spanning the find command
        assert child.depth == 1 and child.subshell and (child.start, child.end) == (find.start, find.end)
        assert child.pipeline not in (find.pipeline, echo.pipeline)
    assert echo.connector == "&&" and echo.depth == 0


def test_find_exec_shell_script_is_parsed():
    script = parse_script("find . -name '*.so' -exec sh -c 'strip \"$1\" && echo $(date)' _ {} \\;")
    assert [c.name for c in script.commands] == ["find", "sh", "strip", "echo", "date"]
    assert script.commands[2].depth == 2 and script.commands[4].depth == 3  # date counted once, in the script


@pytest.mark.parametrize(
    "text",
    [
        "find . -exec",  # nothing to run
        "find . -exec {} \\;",  # runs the found file itself: no known program
        "echo -exec rm x",  # not find
        "find . -name '-exec' -print",  # a quoted pattern, not the action
    ],
)
def test_find_without_a_program_to_run(text):
    assert [c.name for c in parse_script(text).commands] == [text.split()[0]]


def test_sudo_passes_assignments():
    cmd = only("sudo DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata")
    assert cmd.name == "apt-get" and cmd.wrappers == ["sudo"]
    assert cmd.assignments == [("DEBIAN_FRONTEND", "noninteractive")]


def test_env_wrapper_assignments():
    cmd = only("env -u X A=1 B=2 make")
    assert cmd.assignments == [("A", "1"), ("B", "2")]


def test_command_v_is_not_a_wrapper():
    cmd = only("command -v curl")
    assert cmd.name == "command" and cmd.wrappers == []


def test_exec_with_only_redirects_stays_exec():
    cmd = only("exec > /var/log/x 2>&1")
    assert cmd.name == "exec"
    assert [r.op for r in cmd.redirects] == [">", ">&"]


# --- redirections ------------------------------------------------------------------------------


def test_redirections_are_not_words():
    cmd = only("apt-get update > /dev/null 2>&1")
    assert argv(cmd) == ["apt-get", "update"]
    assert [(r.fd, r.op, r.target.value) for r in cmd.redirects] == [(None, ">", "/dev/null"), ("2", ">&", "1")]


@pytest.mark.parametrize(
    "text",
    [
        "cmd >/dev/null",
        "cmd 2>/dev/null",
        "cmd >> /var/log/x",
        "cmd < input",
        "cmd <<< 'here string'",
        "cmd &> /dev/null",
        "cmd &>> log",
        "cmd 2>&1",
        "cmd 1>&2",
        "cmd >&2",
        "cmd >| clobber",
        "cmd 3<> rw",
        "cmd 2>/dev/null >/dev/null",
        ">/dev/null cmd",
    ],
)
def test_redirection_forms(text):
    cmd = only(text)
    assert argv(cmd) == ["cmd"]
    assert cmd.redirects


def test_redirect_target_offsets():
    text = "echo hi > /etc/motd"
    r = only(text).redirects[0]
    assert text[r.target.start : r.target.end] == "/etc/motd"
    assert text[r.start : r.end] == "> /etc/motd"


def test_number_words_are_not_redirects():
    assert argv(only("chmod 0755 /x")) == ["chmod", "0755", "/x"]
    assert argv(only("echo 2 > f")) == ["echo", "2"]


def test_redirect_after_compound_is_not_a_command():
    script = parse_script("while read -r l; do echo $l; done < /etc/list; { a; b; } > log 2>&1")
    assert names(script) == ["read", "echo", "a", "b"]


# --- here-documents ------------------------------------------------------------------------------


def test_heredoc_body_is_not_parsed():
    text = "cat <<EOF > /etc/apt/sources.list\ndeb http://x 'unbalanced\nrm -rf /\nEOF\napt-get update\n"
    script = parse_script(text)
    assert names(script) == ["cat", "apt-get"]
    cat = script.commands[0]
    assert cat.redirects[0].op == "<<"
    assert cat.redirects[0].body == "deb http://x 'unbalanced\nrm -rf /\n"
    assert cat.redirects[1].target.value == "/etc/apt/sources.list"
    assert not script.incomplete


def test_heredoc_quoted_delimiter_and_tabs():
    text = "cat <<-'END' >f && echo done\n\tline $(not run)\n\tEND\nls\n"
    script = parse_script(text)
    assert names(script) == ["cat", "echo", "ls"]
    assert script.commands[0].redirects[0].body == "\tline $(not run)\n"


def test_two_heredocs_on_one_line():
    text = "cat <<A; cat <<B\na body\nA\nb body\nB\necho end"
    script = parse_script(text)
    assert names(script) == ["cat", "cat", "echo"]
    assert [c.redirects[0].body for c in script.commands[:2]] == ["a body\n", "b body\n"]


def test_heredoc_without_body_in_joined_run_line():
    # `RUN cat <<EOF > /x` gives the command line without the body (BuildKit keeps it apart).
    script = parse_script("cat <<EOF > /etc/x")
    assert names(script) == ["cat"]
    assert not script.incomplete


def test_unterminated_heredoc_marks_incomplete():
    script = parse_script("cat <<EOF\nnever ends\n")
    assert names(script) == ["cat"]
    assert script.incomplete


def test_run_heredoc_body_is_a_script():
    body = (
        "#!/bin/bash\nset -euo pipefail\napt-get update\n"
        "apt-get install -y \\\n    curl git\nrm -rf /var/lib/apt/lists/*\n"
    )
    script = parse_script(body)
    assert names(script) == ["set", "apt-get", "apt-get", "rm"]
    assert script.commands[2].args == ["install", "-y", "curl", "git"]
    assert script.sets == frozenset({"e", "u", "pipefail"})
    assert [c.connector for c in script.commands] == [None, "\n", "\n", "\n"]
    assert_offsets(script)


# --- quoting -------------------------------------------------------------------------------------


def test_quotes_and_escapes():
    cmd = only(r"""echo 'single $x' "double \"q\" \\ \$y $z" a\ b $'tab\there' $"loc" """)
    assert cmd.args == ["single $x", 'double "q" \\ $y $z', "a b", "tab\there", "loc"]


def test_backslash_kept_in_double_quotes_before_ordinary_char():
    assert only(r'printf "a\nb"').args == ["a\\nb"]


def test_hash_starts_comment_only_at_word_start():
    script = parse_script("echo a#b # comment && rm -rf /\necho c")
    assert [argv(c) for c in script.commands] == [["echo", "a#b"], ["echo", "c"]]


def test_parameter_expansion_with_spaces():
    cmd = only('echo ${VAR:-default with spaces} "${X%/*}" ${#Y} ${Z//a/b}')
    assert cmd.args == ["${VAR:-default with spaces}", "${X%/*}", "${#Y}", "${Z//a/b}"]


def test_arithmetic_expansion():
    script = parse_script("echo $((1 + (2 * 3))) $(( x << 2 ))")
    assert names(script) == ["echo"]
    assert script.commands[0].args == ["$((1 + (2 * 3)))", "$(( x << 2 ))"]


def test_arithmetic_command():
    script = parse_script("(( i++ )); for ((i=0; i<3; i++)); do echo $i; done")
    assert names(script) == ["echo"]


# --- command substitution ------------------------------------------------------------------------


def test_command_substitution_commands_are_found():
    text = 'echo "$(dpkg --print-architecture | awk -F- "{ print \\$NF }")" > /arch'
    script = parse_script(text)
    assert names(script) == ["echo", "dpkg", "awk"]
    echo, dpkg, awk = script.commands
    assert echo.args == ['$(dpkg --print-architecture | awk -F- "{ print \\$NF }")']
    assert (dpkg.depth, awk.depth) == (1, 1)
    assert dpkg.subshell and awk.connector == "|"
    assert text[dpkg.words[0].start : dpkg.words[0].end] == "dpkg"
    assert_offsets(script)


def test_nested_substitutions_with_quotes():
    text = """x="$(basename "$(dirname "$(readlink -f "$0")")")" """
    script = parse_script(text)
    assert names(script) == ["", "basename", "dirname", "readlink"]
    assert [c.depth for c in script.commands] == [0, 1, 2, 3]
    assert script.commands[0].assignments[0][0] == "x"
    assert_offsets(script)
    assert not script.incomplete


def test_substitution_with_parens_inside():
    script = parse_script('echo "$(case x in a) echo a;; esac)" $( (cd /x && ls) )')
    assert "ls" in names(script) and "cd" in names(script)


def test_backticks():
    text = "export ARCH=`uname -m` && echo `echo \\`date\\``"
    script = parse_script(text)
    assert names(script) == ["export", "uname", "echo", "echo", "date"]
    uname = script.commands[1]
    assert text[uname.words[0].start : uname.words[0].end] == "uname"


def test_substitution_inside_parameter_default():
    script = parse_script('echo "${VERSION:-$(cat /version)}"')
    assert names(script) == ["echo", "cat"]


def test_process_substitution():
    script = parse_script("diff <(sort a) <(sort b)")
    assert names(script) == ["diff", "sort", "sort"]
    assert len(script.commands[0].args) == 2


def test_substitution_in_redirect_target_and_for_list():
    script = parse_script("for f in $(ls /etc); do cat $f > $(mktemp); done")
    assert sorted(names(script)) == ["cat", "ls", "mktemp"]


# --- sh -c ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-c", "-ec", "-xc", "-lc", "-exc", "-e -c", "-o pipefail -c", "-euo pipefail -c"])
def test_sh_c_inner_script(flag):
    text = f"bash {flag} 'apt-get update && apt-get install -y x'"
    script = parse_script(text)
    assert names(script) == ["bash", "apt-get", "apt-get"]
    outer, update, install = script.commands
    assert outer.depth == 0 and update.depth == 1 and install.depth == 1
    assert update.subshell and install.connector == "&&"
    assert text[update.words[0].start : update.words[0].end] == "apt-get"
    assert text[install.start : install.end] == "apt-get install -y x"


def test_sh_c_double_quoted_offsets_with_escapes():
    text = 'sh -c "echo \\"hi\\" && touch /x"'
    script = parse_script(text)
    assert names(script) == ["sh", "echo", "touch"]
    touch = script.commands[2]
    assert text[touch.words[0].start : touch.words[0].end] == "touch"
    assert touch.words[1].value == "/x"
    echo = script.commands[1]
    assert echo.args == ["hi"]


@pytest.mark.parametrize("shell", ["sh", "/bin/sh", "ash", "dash", "/usr/bin/env bash", "busybox sh"])
def test_sh_c_variants(shell):
    script = parse_script(f"{shell} -c 'rm -rf /tmp/x'")
    assert names(script)[-1] == "rm"
    assert script.commands[-1].depth == 1


def test_sh_without_c_is_not_recursed():
    assert names(parse_script("sh ./install.sh --prefix /x")) == ["sh"]
    assert names(parse_script("bash -x script.sh")) == ["bash"]


def test_nested_sh_c():
    text = """sh -c "bash -c 'curl -s x | sh'" """
    script = parse_script(text)
    assert names(script) == ["sh", "bash", "curl", "sh"]
    assert [c.depth for c in script.commands] == [0, 1, 2, 2]
    curl = script.commands[2]
    assert text[curl.words[0].start : curl.words[0].end] == "curl"


def test_su_c_and_eval():
    script = parse_script("su postgres -c 'initdb -D /data'; eval \"$(ssh-agent -s)\"")
    # eval runs whatever ssh-agent prints: a command computed at run time, named as written.
    assert names(script) == ["su", "initdb", "eval", "$(ssh-agent -s)", "ssh-agent"]
    assert script.commands[1].subshell and script.commands[1].depth == 1
    assert not script.commands[3].subshell  # eval runs in the same shell


def test_sh_c_substitution_not_counted_twice():
    script = parse_script('sh -c "$(curl -fsSL https://x/install.sh)"')
    assert names(script) == ["sh", "$(curl -fsSL https://x/install.sh)", "curl"]
    assert [c.depth for c in script.commands] == [0, 1, 2]


def test_name_of_computed_command_is_kept_whole():
    assert only("${PYTHON:-/usr/bin/python3} -m pip install x").name == "${PYTHON:-/usr/bin/python3}"
    assert only("$JAVA_HOME/bin/java -version").name == "java"
    assert parse_script("`which python` -V").commands[0].name == "`which python`"


def test_sudo_sh_c():
    script = parse_script("sudo sh -c 'echo x > /etc/y'")
    assert names(script) == ["sh", "echo"]
    assert script.commands[0].wrappers == ["sudo"]
    assert script.commands[1].redirects[0].target.value == "/etc/y"


# --- control structures --------------------------------------------------------------------------


def test_if_then_else():
    text = 'if [ "$(uname -m)" = "x86_64" ]; then ARCH=amd64; elif true; then ARCH=arm; else exit 1; fi; echo $ARCH'
    script = parse_script(text)
    assert names(script) == ["[", "uname", "", "true", "", "exit", "echo"]
    depths = {c.name or "assign": c.depth for c in script.commands}
    assert depths["["] == 1 and depths["uname"] == 2 and depths["echo"] == 0
    assert not script.incomplete


def test_if_keywords_are_not_commands_but_arguments_are_words():
    script = parse_script("echo if then fi done")
    assert argv(script.commands[0]) == ["echo", "if", "then", "fi", "done"]


def test_for_loop():
    script = parse_script("for pkg in curl git vim; do apt-get install -y $pkg; done")
    assert names(script) == ["apt-get"]
    assert script.commands[0].depth == 1


def test_for_loop_multiline():
    script = parse_script("for f in a b\ndo\n  echo $f\ndone\necho after")
    assert names(script) == ["echo", "echo"]
    assert [c.depth for c in script.commands] == [1, 0]


def test_while_until():
    script = parse_script("while ! curl -sf http://x; do sleep 1; done; until false; do break; done")
    assert names(script) == ["curl", "sleep", "false", "break"]
    assert all(c.depth == 1 for c in script.commands)


def test_case():
    text = (
        'case "$(dpkg --print-architecture)" in amd64|x86_64) ARCH=x64 ;; '
        'arm64) ARCH=arm64; echo a ;; (*) echo "unsupported"; exit 1 ;; esac; echo done'
    )
    script = parse_script(text)
    assert names(script) == ["dpkg", "", "", "echo", "echo", "exit", "echo"]
    assert script.commands[-1].depth == 0
    assert not script.incomplete


def test_case_last_arm_without_terminator():
    script = parse_script("case x in a) echo a;; *) echo b\nesac\nls")
    assert names(script) == ["echo", "echo", "ls"]
    assert not script.incomplete


def test_brace_group_and_subshell():
    script = parse_script("{ echo a; echo b; } && (cd /tmp && make); echo c")
    assert names(script) == ["echo", "echo", "cd", "make", "echo"]
    assert [c.depth for c in script.commands] == [1, 1, 1, 1, 0]
    assert [c.subshell for c in script.commands] == [False, False, True, True, False]


def test_function_definition():
    script = parse_script("f() { apt-get update; }; function g { echo g; }; function h() ( ls ); f")
    assert names(script) == ["apt-get", "echo", "ls", "f"]
    assert script.commands[0].depth == 1
    assert not script.incomplete


def test_double_bracket_test():
    script = parse_script('[[ -f /x && "$a" < "$b" || ( -n $c ) ]] && echo yes')
    assert names(script) == ["[[", "echo"]
    assert script.commands[0].args[-1] == "]]"
    assert script.commands[1].connector == "&&"


def test_negation():
    script = parse_script("! grep -q x file && echo missing")
    assert names(script) == ["grep", "echo"]


def test_deep_control_nesting_depths():
    text = "if a; then for x in 1; do while b; do (c; { d; }); done; done; fi"
    script = parse_script(text)
    assert {c.name: c.depth for c in script.commands} == {"a": 1, "b": 3, "c": 4, "d": 5}


# --- find ----------------------------------------------------------------------------------------


def test_find():
    script = parse_script("apt-get update && sudo apt-get install -y x && pip install y")
    assert [c.args[0] for c in script.find("apt-get")] == ["update", "install"]
    assert [c.name for c in script.find("pip", "pip3")] == ["pip"]
    assert list(script.find("yum")) == []


# --- Windows and odd escape characters -----------------------------------------------------------


def test_backtick_escape_keeps_backslashes():
    text = 'powershell -Command $ErrorActionPreference = \'Stop\'; Invoke-WebRequest -OutFile C:\\tmp\\x.zip https://x'
    script = parse_script(text, escape="`")
    assert names(script)[0] == "powershell"
    assert "C:\\tmp\\x.zip" in script.commands[1].args


def test_cmd_exe_syntax_does_not_raise():
    script = parse_script('setx /M PATH "%PATH%;C:\\Program Files\\Git\\bin" && echo %PATH% > NUL')
    assert names(script)[0] == "setx"


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "echo 'unbalanced",
        'echo "unbalanced',
        "echo $(unclosed",
        "echo ${unclosed",
        "echo `unclosed",
        "echo )",
        "fi",
        "done; esac; }",
        "if true; then echo",
        "for",
        "case x in",
        "(((((",
        ")))))",
        "<<",
        "cat <<",
        "|| && ;; | &",
        "$'unterminated",
        "echo \\",
        "a=(1 2 3); echo ${a[@]}",
        "\x00\x01\x02\xff\ufeff junk \u00a0 nbsp",
        "[[",
        "function",
        "f() {",
        "2>",
        "echo $(( 1 + ",
        "`",
        '"$(',
        "${",
        "<(",
    ],
)
def test_malformed_input_never_raises(text):
    script = parse_script(text)
    assert isinstance(script, Script)
    for command in script.commands:
        for word in command.raw_words:
            assert 0 <= word.start <= word.end <= len(text)


def test_malformed_sets_incomplete():
    assert parse_script("echo 'x").incomplete
    assert parse_script("echo $(x").incomplete
    assert parse_script("if true; then x").incomplete
    assert parse_script("echo )").incomplete
    assert not parse_script("echo ok").incomplete


def test_unbalanced_quote_still_finds_earlier_commands():
    script = parse_script("apt-get update && echo 'oops && rm -rf /")
    assert names(script) == ["apt-get", "echo"]
    assert script.incomplete


def test_huge_single_line_chain_is_linear():
    text = " && ".join(f"cmd{i} --flag value{i}" for i in range(60_000))  # ~1.3 MB
    assert len(text) > 1_000_000
    start = time.process_time()
    script = parse_script(text)
    elapsed = time.process_time() - start
    assert len(script.commands) == 60_000
    assert script.commands[-1].connector == "&&"
    assert elapsed < 10  # generous: it is ~0.3 s; quadratic behaviour would take minutes


def test_150kb_script_is_fast():
    line = "apt-get install -y --no-install-recommends \"pkg-$i\" 'x y' $(echo z) > /dev/null 2>&1 && "
    text = line * (150_000 // len(line))
    best = min(_cpu_time(parse_script, text) for _ in range(3))
    assert best < 0.5  # target is < 50 ms on an idle machine; this only catches blow-ups


def _cpu_time(fn, *args) -> float:
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def test_one_megabyte_word():
    text = "echo " + "a" * 1_000_000 + "'unclosed"
    script = parse_script(text)
    assert script.incomplete and names(script) == ["echo"]


@pytest.mark.parametrize("depth", [200, 5000])
def test_deeply_nested_command_substitution(depth):
    text = "echo " + "$(echo " * depth + "x" + ")" * depth
    script = parse_script(text)
    assert len(script.commands) > 50
    assert script.incomplete  # nesting past MAX_DEPTH is not parsed


@pytest.mark.parametrize(
    "make",
    [
        lambda d: "(" * d + "true" + ")" * d,
        lambda d: "{ " * d + "true; " + "} " * d,
        lambda d: "if true; then " * d + "x" + "; fi" * d,
        lambda d: '"$(' * d + "x" + ')"' * d,
        lambda d: "`" * d,
        lambda d: "${x:-" * d + "}" * d,
        lambda d: "sh -c '" * d,
        lambda d: "$((" * d + "1" + "))" * d,
    ],
)
def test_deep_nesting_of_every_kind_does_not_raise(make):
    for depth in (200, 3000):
        script = parse_script(make(depth))
        assert isinstance(script, Script)


def test_nested_sh_c_strings():
    text = "touch /marker"
    for _ in range(10):  # escaping doubles the backslashes per level
        text = 'sh -c "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    script = parse_script(text)
    assert [c.depth for c in script.commands] == list(range(11))
    touch = script.commands[-1]
    assert touch.name == "touch" and touch.args == ["/marker"]
    assert text[touch.words[0].start : touch.words[0].end] == "touch"
    assert not script.incomplete


@pytest.mark.parametrize(
    "text",
    [
        "if true; then " * 20_000 + "done; " * 20_000,  # stray closers under deep nesting
        "echo " + "$( " * 100_000,  # unterminated substitutions, each inside the previous
        "echo " + "$(a)" * 50_000,  # one word, many substitutions
        "echo " + "$(a) " * 50_000,  # one command, many words with substitutions
        "(" * 300_000,
        "cat " + "<<E " * 50_000 + "\n",
        "`" * 300_000,
    ],
    ids=["stray-closers", "unclosed-subst", "subst-word", "subst-words", "parens", "heredocs", "backticks"],
)
def test_adversarial_inputs_stay_linear(text):
    start = time.process_time()
    script = parse_script(text)
    assert time.process_time() - start < 15  # ~0.5 s each; quadratic would take minutes
    assert isinstance(script, Script)


def test_crafted_nested_sh_c_is_bounded():
    text = "x"
    for _ in range(12):  # each level is copied into a new text and lexed again
        text = 'sh -c "$(' + text + ')"'
    script = parse_script(text * 200)
    assert len(script.commands) > 1000
    assert max(c.depth for c in script.commands) == 24


def test_crafted_nested_sh_c_with_big_payload_hits_work_budget():
    text = " && ".join(["true"] * 20_000)  # ~160 KB copied again at every level
    for _ in range(20):
        text = 'sh -c "$(' + text + ')"'
    start = time.process_time()
    script = parse_script(text)
    assert time.process_time() - start < 20  # unbounded, it would lex ~20 copies
    assert script.incomplete
    assert len(script.commands) >= 20_000


def test_word_is_frozen_and_hashable():
    w = only("echo hi").words[0]
    assert w == Word("echo", "echo", 0, 4, False)
    assert hash(w) == hash(Word("echo", "echo", 0, 4, False))
    with pytest.raises(AttributeError):
        w.value = "x"  # type: ignore[misc]


def test_a_quoted_command_substitution_ends_at_its_closing_quote():
    # Lexed wrongly on CPython before 3.11.5 (Debian 12's 3.11.2) while the lexer used possessive
    # repeats: the assignment swallowed the text up to the next quote, and apk add with it.
    script = parse_script(
        'runDeps="$( \\\n\tscanelf --needed /usr/local \\\n\t| tr "," "\\n" \\\n)"; \\\n'
        "apk add --no-cache $runDeps bash \\\n\t$(echo nss_wrapper); \\\napk del .build-deps\n"
    )
    top = [c for c in script.commands if c.depth == 0]
    assert [argv(c)[:4] for c in top] == [[], ["apk", "add", "--no-cache", "$runDeps"], ["apk", "del", ".build-deps"]]
    assert [name for name, _ in top[0].assignments] == ["runDeps"]
    assert names(script) == ["", "scanelf", "tr", "apk", "echo", "apk"]
