"""What an image's own text can do to a report: secrets recorded in its history must not show in any
format, and control characters in its file names, its history or a registry's error message must not
reach the terminal (text output shows them as ``\\x1b``; JSON and SARIF keep the data, escaped as
JSON escapes it; HTML escapes markup)."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import one_line_error, run
from tests.support.hostile_servers import HostileServer, RegistryImage, json_answer, registry_routes
from tests.support.image_archives import docker_save, image_config, layer_tar, write_archive

KEY_BODY = ("MIIEpAIBAAKCAQEAw5b1c2VjcmV0LWtleS1ib2R5LXRoYXQtbXVzdC1uZXZlci1zaG93", "QW5vdGhlckxpbmVPZktleU1hdGVyaWFs==")
KEY = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(KEY_BODY) + "\n-----END RSA PRIVATE KEY-----"
PASSWORDS = ("Tr0ub4dor-3", "Zebra-Staple-9", "hunter2-hunter2")
ESCAPE = "\x1b]0;owned\x07\x1b[2J\r"
HISTORY = [
    # BuildKit records a heredoc with its real line breaks; the classic builder, "\n" as written.
    {"created_by": "RUN /bin/sh -c mkdir -p /root/.ssh && cat > /root/.ssh/id_rsa <<EOF\n" + KEY + "\nEOF # buildkit"},
    {"created_by": "/bin/sh -c echo '" + KEY.replace("\n", "\\n") + "' > /root/.ssh/id_rsa2"},
    {"created_by": f"/bin/sh -c curl -fsS -u admin:{PASSWORDS[0]} https://files.example.com/a -o /a "
                   f"&& wget --password={PASSWORDS[1]} https://files.example.com/b && curl --user ci:{PASSWORDS[2]} x"},
    {"created_by": f"/bin/sh -c touch '/srv/evil{ESCAPE}name' # {ESCAPE}"},
]
LAYERS = [[("file", "root/.ssh/id_rsa", 1700)], [("file", "root/.ssh/id_rsa2", 1700)], [("file", "a", 10)],
          [("dir", f"evil{ESCAPE}dir"), ("file", f"evil{ESCAPE}dir/evil{ESCAPE}name", 5000)]]  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The analyze report of the image above in every format: format -> bytes."""
    work = tmp_path_factory.mktemp("hostile-text")
    archive = write_archive(work / "image.tar", docker_save(LAYERS, history=HISTORY))
    rendered = {}
    for name in ("text", "json", "html", "sarif"):
        result = run("analyze", f"docker-archive:{archive}", "--format", name, "--fail-on", "never", cwd=work)
        assert result.returncode == 0, result.stderr.decode()
        rendered[name] = result.stdout
    return rendered


@pytest.mark.parametrize("name", ["text", "json", "html", "sarif"])
def test_a_private_key_in_the_history_shows_nowhere(reports, name):
    output = reports[name].decode("utf-8", "replace")
    for line in KEY_BODY:
        assert line not in output and line[:24] not in output, name
    assert "REDACTED" in output


@pytest.mark.parametrize("name", ["text", "json", "html", "sarif"])
def test_passwords_given_to_curl_and_wget_show_nowhere(reports, name):
    output = reports[name].decode("utf-8", "replace")
    for password in PASSWORDS:
        assert password not in output, (name, password)
    assert "admin:REDACTED" in output or "admin:REDACTED" in output.replace("\\u003a", ":")


def test_the_secrets_are_reported_as_findings(reports):
    findings = json.loads(reports["json"])["findings"]
    messages = " ".join(f["message"] for f in findings if f["rule"] == "IL7102")
    assert "a private key" in messages and "a password given to curl -u" in messages
    assert "a password given with --password" in messages


def test_text_output_shows_control_characters_as_escapes(reports):
    text = reports["text"]
    for raw in (b"\x1b", b"\x07", b"\r"):
        assert raw not in text
    assert b"evil\\x1b]0;owned\\x07\\x1b[2J\\rdir" in text  # the top-level directory, in its table


def test_json_and_sarif_keep_the_data(reports):
    image = json.loads(reports["json"])["image"]
    assert any(d["path"] == f"/evil{ESCAPE}dir" for d in image["directories"])
    assert b"\x1b" not in reports["json"] and b"\\u001b" in reports["json"]  # JSON's own escape
    json.loads(reports["sarif"])  # valid, whatever the image named its files
    assert b"\x1b" not in reports["sarif"]


def test_html_escapes_what_the_image_says(tmp_path):
    history = [{"created_by": "/bin/sh -c echo '<script>alert(1)</script>' > /i.html"}]
    archive = write_archive(tmp_path / "image.tar", docker_save([[("file", "<b>x</b>.html", 10)]], history=history))
    result = run("analyze", f"docker-archive:{archive}", "--format", "html", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert b"<script>alert(1)" not in result.stdout and b"&lt;script&gt;alert(1)" in result.stdout


def test_a_registry_error_message_cannot_drive_the_terminal(tmp_path):
    layers = [layer_tar([("file", "a", 10)])]
    message = {"errors": [{"code": "DENIED", "message": f"go away{ESCAPE}\x9b31m\u202etxt.exe"}]}
    with HostileServer(registry_routes(RegistryImage.of(image_config(layers), layers),
                                       manifest=json_answer(message, status=403))) as server:  # fmt: skip
        result = run("analyze", f"registry:{server.host}/hostile/image:1", cwd=tmp_path)
    line = one_line_error(result, "access to manifest 1 forbidden (DENIED: go away")
    assert "\\x1b]0;owned\\x07\\x1b[2J" in line and "\\x9b31m" in line and "\\u202etxt.exe" in line  # CR: a space
    for raw in ("\x1b", "\x07", "\r", "\x9b", "\u202e"):
        assert raw not in result.stderr.decode()


def test_a_file_name_in_an_error_cannot_drive_the_terminal(tmp_path):
    from tests.support.image_archives import raw_layer_tar, saved_archive
    import tarfile

    info = tarfile.TarInfo(f"x{ESCAPE}y")
    info.size = 10
    info.pax_headers = {"size": "-10"}
    archive = write_archive(tmp_path / "image.tar", saved_archive([raw_layer_tar([(info, b"0123456789")])]))
    line = one_line_error(run("analyze", f"docker-archive:{archive}", cwd=tmp_path), "invalid size")
    assert "x\\x1b]0;owned\\x07\\x1b[2J\\ry" in line


def test_lint_messages_quoting_the_dockerfile_are_escaped(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\nRUN apt-get install -y curl\x1b[2J\nUSER 1000\n")
    result = run("lint", "Dockerfile", "--format", "text", cwd=tmp_path)
    assert b"\x1b" not in result.stdout and b"\\x1b[2J" in result.stdout, result.stdout.decode()
