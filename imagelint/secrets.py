"""Secrets: what one looks like (credential-shaped variable names, literal values, known token
formats), how a value is redacted in messages (``AKIA***``), and how source lines are masked before
any output shows or hashes them. Used by the Dockerfile rules, the image inspector, the reporters
and the fingerprints.

Name matching alone is what made hadolint's DL3064 noisy (``ARG USERNAME=vscode``, ``ENV GPG_KEYS``
with public fingerprints, ``ENV PASSWORD_FILE=/run/secrets/db``). Here a name is a secret name
only if one of its words is a credential word and none says it holds something else (a file, a
version, a public key id), and a value counts only if it is a literal that is not a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagelint.lazy_pattern import LazyPattern

_KEY_BEGIN = LazyPattern(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = LazyPattern(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# A whole key: BEGIN to END (keys are a few kilobytes), or with no END in reach, BEGIN and the key
# text after it (base64, line breaks, escaped "\n", PEM headers). Found as one token, so that where a
# key is shown (a recorded build command) all of it is hidden, not just its first line.
_KEY_BLOCK = LazyPattern(
    _KEY_BEGIN.pattern + r"(?:[\s\S]{0,16384}?" + _KEY_END.pattern + r"|(?:[A-Za-z0-9+/=\s\\:,.-]{0,16384}[A-Za-z0-9+/=])?)"
)

# Known token formats; each is specific enough to report wherever it appears.
TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", LazyPattern(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("a GitHub token", LazyPattern(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b")),
    ("a GitLab token", LazyPattern(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("a Slack token", LazyPattern(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("a Stripe secret key", LazyPattern(r"\b[rs]k_live_[A-Za-z0-9]{20,}\b")),
    ("a Google API key", LazyPattern(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an npm token", LazyPattern(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a PyPI token", LazyPattern(r"\bpypi-AgE[A-Za-z0-9_-]{50,}\b")),
    ("a private key", _KEY_BLOCK),
)

# ``scheme://user:password@host``: a password written into a URL.
URL_CREDENTIALS = LazyPattern(r"\b[a-z][a-z0-9+.-]*://([^\s/:@'\"]+):([^\s/@'\"]+)@[\w.-]", re.IGNORECASE)

# Passwords given as command-line options: curl's ``-u user:password`` (and ``--user``, the proxy
# forms ``-U``/``--proxy-user``), counted only inside a curl command; and ``--password VALUE`` with
# wget's ``--http-``, ``--ftp-`` and ``--proxy-`` forms, whose name says it all. One pass over the
# text: separators end a command, ``curl`` starts one, options are judged by the command they are in.
_COMMAND_WORDS = LazyPattern(
    r"""(?P<end>[|;&\n()])"""
    r"""|(?P<curl>(?<![\w./-])curl\b)"""
    r"""|(?<![\w-])(?P<user_option>-u|-U|--user|--proxy-user)(?:=|[ \t]*)(?P<q1>["']?)[^\s:"'$]+:(?P<user_password>[^\s"']+)(?P=q1)"""
    r"""|(?<![\w-])(?P<password_option>--(?:http-|ftp-|proxy-)?passw(?:or)?d)(?:=|[ \t]+)(?P<q2>["']?)(?P<password>[^\s"']+)(?P=q2)"""
)

# Words that make a name a credential (after splitting on '_', '-', '.' and camelCase).
_SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "pword", "pass", "pw", "secret", "token", "apikey", "credential",
     "credentials", "privatekey", "accesskey", "secretkey", "authtoken", "pat"}
)  # fmt: skip
# "key" is a secret only after one of these ("api key", "access key", "private key").
_KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "client", "license", "licence", "encryption", "master",
     "app", "application", "account", "service", "auth", "admin", "root", "session", "jwt", "hmac"}
)  # fmt: skip
# Words that say the variable is about public material or a switch, wherever they appear.
_NOT_SECRET_ANYWHERE = frozenset(
    {"public", "pub", "gpg", "pgp", "gnupg", "signing", "fingerprint", "fingerprints", "keyring",
     "keyserver", "use", "allow", "generate", "generated", "reset", "empty"}
)  # fmt: skip
# Last words that say the variable holds something about the secret, not the secret itself.
_NOT_SECRET_HEADS = frozenset(
    {"file", "files", "path", "dir", "directory", "url", "uri", "endpoint", "host", "port", "server",
     "version", "ver", "id", "ids", "name", "user", "username", "login", "email", "keys", "length",
     "len", "size", "min", "max", "type", "algorithm", "algo", "format", "header", "prefix", "suffix",
     "enabled", "enable", "disabled", "disable", "required", "require", "policy", "mode", "method",
     "provider", "plugin", "timeout", "expiry", "expires", "ttl", "rotation", "hash", "sha", "sha256",
     "sha512", "checksum", "store", "location", "retries", "complexity", "strength", "hint", "prompt",
     "env", "var", "command", "cmd", "script", "helper", "manager", "backend", "mount", "source"}
)  # fmt: skip
# One-word compounds: ROOTPASS, ADMINPASSWORD, DBPASSWD, AUTHTOKEN (but not BYPASS or COMPASS).
_COMPOUND_SECRET = LazyPattern(r"^(?:[a-z]+(?:password|passwd|token|secret)|(?:root|admin|db|user|my|app)pass)$")
_CAMEL = LazyPattern(r"(?<=[a-z0-9])(?=[A-Z])")

# Literal values that are not secrets: placeholders, switches, references to files.
_PLACEHOLDERS = frozenset(
    {"", "changeme", "change_me", "change-me", "changeit", "secret", "password", "passwd", "token",
     "none", "null", "nil", "undefined", "unset", "todo", "tbd", "placeholder", "dummy", "example",
     "sample", "test", "testing", "fake", "xxx", "xxxx", "xxxxxx", "*", "***", "******", "-", "default",
     "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "0", "1", "y", "n", "''", '""'}
)  # fmt: skip
_PLACEHOLDER_SHAPES = LazyPattern(
    r"^(?:<[^>]*>|\{\{.*\}\}|%[A-Za-z_]+%|x+|\*+|\.+|your[-_ ].*|.*(?:changeme|change_me|placeholder|"
    r"fake|dummy|example|insecure|not[-_]?a[-_]?secret|replace[-_ ]?me).*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TokenMatch:
    kind: str  # "an AWS access key id"
    start: int
    end: int
    text: str


def name_words(name: str) -> list[str]:
    spaced = _CAMEL.sub("_", name)
    return [w for w in re.split(r"[_\-.]+", spaced.lower()) if w]


# Names that can be secret names contain one of these (checked before splitting names into words):
# every credential word of is_secret_name does. Also IL7002's firing condition (``mentions``).
SECRET_NAME_PARTS = ("pass", "pw", "secret", "token", "key", "cred", "pat")
SECRET_NAME_HINT = LazyPattern("|".join(SECRET_NAME_PARTS), re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """``DB_PASSWORD``, ``NPM_TOKEN``, ``AWS_SECRET_ACCESS_KEY``, ``apiKey``; not ``PASSWORD_FILE``,
    ``GPG_KEYS``, ``PYTHON_GPG_KEY``, ``USERNAME``, ``TOKEN_URL``."""
    words = name_words(name)
    if not words or words[-1] in _NOT_SECRET_HEADS or any(w in _NOT_SECRET_ANYWHERE for w in words):
        return False
    for i, word in enumerate(words):
        if word in _SECRET_WORDS or _COMPOUND_SECRET.match(word):
            return True
        if word == "key" and i > 0 and words[i - 1] in _KEY_QUALIFIERS:
            return True
    return False


def is_literal_secret_value(value: str) -> bool:
    """A value that may really be a secret: not empty, not a placeholder, switch, path or variable."""
    text = value.strip()
    if text.lower() in _PLACEHOLDERS or _PLACEHOLDER_SHAPES.match(text):
        return False
    if "$" in text or text.startswith(("/", "./", "~/", "file:")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return False
    if re.fullmatch(r"https?://\S+", text) and not URL_CREDENTIALS.search(text):
        return False
    # A single repeated character or a short number is a setting, not a credential.
    return not (len(set(text)) == 1 or re.fullmatch(r"\d{1,4}", text))


# A cheap first look: most text holds none of the prefixes the token formats start with (nor a
# password in a URL). Compiled at import, unlike the (lazy) patterns here that it spares: every lint uses it.
_TOKEN_PREFIXES = (
    "AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
    "xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "k_live_", "AIza", "npm_", "pypi-", "PRIVATE KEY",
)  # fmt: skip
_TOKEN_HINT = re.compile("|".join(map(re.escape, _TOKEN_PREFIXES)) + r"|://[^\s/@]*:[^\s/@]*@")
# Led by the "-" both alternatives start with (the lookbehind checks the character before it), so
# that the search skips to each "-" instead of trying the alternatives at every position.
_OPTION_HINT = LazyPattern(r"""-(?:(?<![\w-]-)(?:u|U|-user|-proxy-user)(?:=|[ \t]*)["']?[^\s:"'$]+:|passw)""")
# What a text find_tokens finds anything in contains, lower-cased: the token prefixes, a URL's "://",
# and the option substrings _may_hold_option_password tests ("-u" also stands for "-U"). IL7003's firing condition.
TOKEN_MENTIONS = (*(prefix.lower() for prefix in _TOKEN_PREFIXES), "://", "-u", "-passw")


def _may_hold_option_password(text: str) -> bool:
    # Substring tests first: they are much cheaper than the pattern, and most commands have neither.
    return ("-u" in text or "-U" in text or "-passw" in text) and _OPTION_HINT.search(text) is not None


def find_tokens(text: str) -> list[TokenMatch]:
    # Each hint stands for its own scans: a text with ``--disabled-password`` (common) needs only
    # the command-line scan, one with a URL only the token and URL ones.
    may_hold_tokens = _TOKEN_HINT.search(text) is not None
    may_hold_option_password = _may_hold_option_password(text)
    if not (may_hold_tokens or may_hold_option_password):
        return []
    found: list[TokenMatch] = []
    if may_hold_tokens:
        for kind, pattern in TOKEN_FORMATS:
            for match in pattern.finditer(text):
                found.append(TokenMatch(kind, match.start(), match.end(), match.group(0)))
        for match in URL_CREDENTIALS.finditer(text):
            password = match.group(2)
            if password.startswith("$") or "${" in password or not is_literal_secret_value(password):
                continue
            found.append(TokenMatch("a password in a URL", match.start(2), match.end(2), password))
    if may_hold_option_password:
        found.extend(_command_line_passwords(text))
    found.sort(key=lambda t: (t.start, -t.end))
    # A token inside a URL is reported once, as the token.
    kept: list[TokenMatch] = []
    for token in found:
        if not kept or token.start >= kept[-1].end:
            kept.append(token)
    return kept


def _command_line_passwords(text: str) -> list[TokenMatch]:
    found: list[TokenMatch] = []
    in_curl = False
    for match in _COMMAND_WORDS.finditer(text):
        if match.group("end"):
            in_curl = False
        elif match.group("curl"):
            in_curl = True
        else:
            group = "user_password" if match.group("user_option") else "password"
            if group == "user_password" and not in_curl:
                continue
            password = match.group(group)
            if is_literal_secret_value(password):
                option = match.group("user_option") or match.group("password_option")
                kind = f"a password given to curl {option}" if group == "user_password" else f"a password given with {option}"
                found.append(TokenMatch(kind, match.start(group), match.end(group), password))
    return found


def redact(secret: str) -> str:
    """``AKIAIOSFODNN7EXAMPLE`` -> ``AKIA***``: enough to find it, not enough to use it."""
    secret = secret.strip()
    if secret.startswith("-----BEGIN"):
        return secret.split("-----")[1].strip() if "-----" in secret[5:] else "-----BEGIN***"
    keep = 4 if len(secret) >= 12 else min(2, max(0, len(secret) - 4))
    return secret[:keep] + "***"


def is_secret_finding(finding) -> bool:
    """A finding of a secret rule: on its lines every literal value is masked (:func:`mask_secrets`)."""
    return finding.family == "security" and "secret" in finding.name


# --- masking source lines -------------------------------------------------------------------------

# NAME=value, the value bare or quoted (ENV, ARG, LABEL, shell assignments, URL query strings).
_ASSIGNMENT = LazyPattern(r"""(?<![\w$])([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'\\]+)""")
# ENV NAME value (the legacy space form of ENV).
_ENV_SPACE_FORM = LazyPattern(r"^(\s*ENV\s+)([A-Za-z_][\w.-]*)(\s+)(\S.*?)(\s*\\?)$", re.IGNORECASE)
# --password value / --token=value on a command line.
_OPTION = LazyPattern(r"""(?<![\w-])--?([A-Za-z][\w-]*)(=|\s+)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'\\-][^\s"'\\]*)""")


def _quote(value: str) -> str:
    return value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else ""


def _unquoted(value: str) -> str:
    return value[1:-1] if _quote(value) else value


def _masked_value(value: str) -> str:
    quote = _quote(value)
    return f"{quote}{redact(_unquoted(value))}{quote}"


def _to_mask(name: str, plain: str, every_literal: bool) -> bool:
    """A literal value (not ``$VAR``, not masked already: ``***``) that is a secret, or any with ``every_literal``."""
    if not plain or plain.startswith("$") or "***" in plain:
        return False
    return every_literal or (is_secret_name(name) and is_literal_secret_value(plain))


def mask_line(line: str, *, every_literal: bool = False) -> str:
    """Mask what looks like a secret value; with ``every_literal``, every literal assigned value."""

    def assignment(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        return f"{name}={_masked_value(value)}" if _to_mask(name, _unquoted(value), every_literal) else match.group(0)

    def option(match: re.Match[str]) -> str:
        name, _, value = match.groups()
        if _to_mask(name, _unquoted(value), False):
            return f"{match.group(0)[: match.start(3) - match.start(0)]}{_masked_value(value)}"
        return match.group(0)

    for token in reversed(find_tokens(line)):
        line = line[: token.start] + redact(token.text) + line[token.end :]
    line = _ASSIGNMENT.sub(assignment, line)
    line = _OPTION.sub(option, line)
    space_form = _ENV_SPACE_FORM.match(line)
    if space_form and "=" not in space_form.group(2):
        keyword, name, gap, value, tail = space_form.groups()
        if _to_mask(name, value, every_literal):
            line = f"{keyword}{name}{gap}{redact(value)}{tail}"
    return line


def mask_secrets(lines: list[str], secret_lines: set[int] = frozenset()) -> list[str]:
    """The lines with secret values masked the way finding messages show them (``AKIA***``).

    Masked everywhere: known token formats, passwords in URLs, literal values of credential-named
    variables and options, private-key blocks. On ``secret_lines`` (1-based; where a secret finding
    points) every literal assigned value is masked as well, so nothing a secret rule saw is shown.
    """
    masked: list[str] = []
    in_key = False
    for number, line in enumerate(lines, start=1):
        every_literal = number in secret_lines
        if in_key:
            end = _KEY_END.search(line)
            if end is None:
                masked.append("***" if line.strip() else line)
                continue
            in_key = False
            masked.append(("***" if line[: end.start()].strip() else "") + line[end.start() :])
            continue
        begin = _KEY_BEGIN.search(line)
        if begin is None:
            masked.append(mask_line(line, every_literal=every_literal))
            continue
        body = line[begin.end() :]
        end = _KEY_END.search(body)
        if end is not None:  # a whole key on one line
            body = ("***" if body[: end.start()].strip() else "") + body[end.start() :]
        else:
            in_key = True
            body = "***" if body.strip() else body
        masked.append(mask_line(line[: begin.start()], every_literal=every_literal) + begin.group(0) + body)
    return masked
