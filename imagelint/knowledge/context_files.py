"""What sits in a build context that should not go into an image: secrets and development folders.

Secrets are recognised by name *and* content (a ``.pem`` is reported only when it holds a private
key, an ``.npmrc`` only when it holds a literal token), so example files, public certificates and
``${NPM_TOKEN}`` placeholders are not. Development folders are recognised by name, and build
outputs only beside the manifest that produces them (``target/`` next to ``Cargo.toml``).
"""

from __future__ import annotations

import os

from imagelint.lazy_pattern import LazyPattern
from imagelint.lazy_pattern import LazyPattern
from imagelint.records import Record

_READ_LIMIT = 256 * 1024

# .env variants that document variables rather than hold them.
_ENV_TEMPLATES = ("example", "sample", "template", "dist", "default", "defaults", "schema", "tpl", "tmpl", "ci", "test")
_PRIVATE_KEY = LazyPattern(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
# ``_authToken=abc`` but not ``_authToken=${NPM_TOKEN}``.
_NPM_TOKEN = LazyPattern(rb"(?m)^\s*[^#;\s]*_(?:authToken|auth|password)\s*=\s*(?!\$\{?)\S")
_PASSWORD_LINE = LazyPattern(rb"(?mi)^\s*password\s*[=:]\s*(?!\$\{?)\S")
_NETRC_PASSWORD = LazyPattern(rb"(?m)\bpassword\s+(?!\$\{?)\S")
# Compiled at import, unlike the (lazy) patterns here: every lint of a build context uses it.
_ENV_ASSIGNMENT = LazyPattern(rb"(?m)^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*\S")
_DOCKER_AUTH = LazyPattern(rb'"auth"\s*:\s*"[^"]+"')
# ``url = https://user:ghp_token@github.com/org/repo`` in .git/config.
_URL_CREDENTIALS = LazyPattern(rb"(?m)^\s*url\s*=\s*\w+://[^/\s:@]+:[^/\s@]+@")


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_READ_LIMIT)
    except OSError:
        return b""


def secret_kind(relative: str, entry: os.DirEntry) -> str | None:
    """What secret a context file holds (for the message), or None."""
    name = entry.name
    lower = name.lower()
    parent = os.path.basename(os.path.dirname(relative))
    if lower == ".env" or lower.startswith(".env."):
        suffix = lower[5:]
        if any(part in _ENV_TEMPLATES for part in suffix.split(".")):
            return None
        return "environment file" if _ENV_ASSIGNMENT.search(_read(entry.path)) else None
    if lower in ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519") or lower.endswith((".pem", ".key")):
        return "private key" if _PRIVATE_KEY.search(_read(entry.path)) else None
    if lower.endswith((".p12", ".pfx")):
        return "certificate bundle with private key"
    if lower == ".npmrc":
        return "npm token" if _NPM_TOKEN.search(_read(entry.path)) else None
    if lower == ".pypirc":
        return "PyPI password" if _PASSWORD_LINE.search(_read(entry.path)) else None
    if lower in (".netrc", "_netrc"):
        return "netrc password" if _NETRC_PASSWORD.search(_read(entry.path)) else None
    if lower == ".git-credentials":
        return "git credentials"
    if parent == ".aws" and lower == "credentials":
        return "AWS credentials" if b"aws_secret_access_key" in _read(entry.path) else None
    if lower == "kubeconfig" or lower.endswith(".kubeconfig") or (parent == ".kube" and lower == "config"):
        content = _read(entry.path)
        return "kubeconfig credentials" if b"client-key-data" in content or b"token:" in content else None
    if parent == ".docker" and lower == "config.json":
        return "registry credentials" if _DOCKER_AUTH.search(_read(entry.path)) else None
    if lower.endswith(".json") and any(word in lower for word in ("cred", "service", "key")):
        content = _read(entry.path)
        return "service-account key" if b'"private_key"' in content and b"BEGIN" in content else None
    return None


def git_remote_credentials(git_dir: str) -> bool:
    """A .git folder whose config stores a remote URL with a password or token in it."""
    return bool(_URL_CREDENTIALS.search(_read(os.path.join(git_dir, "config"))))


class DevFolder(Record):
    __slots__ = ("path", "kind", "major")

    def __init__(
        self,
        path: str,
        kind: str,  # for the message: "git history", "node_modules"...
        major: bool,  # worth a finding on its own (minor ones are listed only alongside)
    ) -> None:
        self.path = path
        self.kind = kind
        self.major = major


_VCS = {".git": "git history", ".hg": "Mercurial history", ".svn": "Subversion metadata"}
_CACHES = {
    "__pycache__": "Python bytecode", ".pytest_cache": "pytest cache", ".mypy_cache": "mypy cache",
    ".ruff_cache": "ruff cache", ".tox": "tox environments", ".nox": "nox environments",
    ".parcel-cache": "Parcel cache", ".turbo": "Turborepo cache", ".nyc_output": "coverage data",
}  # fmt: skip
_BUILD_OUTPUTS = {
    ".next": "Next.js build output", ".nuxt": "Nuxt build output", ".svelte-kit": "SvelteKit build output",
    ".angular": "Angular cache", ".gradle": "Gradle cache", ".terraform": "Terraform providers",
}  # fmt: skip
_EDITORS = {".idea": "IDE settings", ".vscode": "editor settings", ".vs": "Visual Studio settings"}
# Output folders that mean "build output" only beside the manifest that produces them.
_OUTPUT_BESIDE = {
    "target": ("Cargo.toml", "pom.xml", "build.sbt"),
    "bin": (".csproj", ".fsproj", ".vbproj"),
    "obj": (".csproj", ".fsproj", ".vbproj"),
}


def dev_folder(relative: str, entry: os.DirEntry) -> DevFolder | None:
    """A development folder (or ``.git`` file of a submodule/worktree) at this context entry."""
    name = entry.name
    if name in _VCS:
        return DevFolder(relative, _VCS[name], major=entry.is_dir(follow_symlinks=False))
    if not entry.is_dir(follow_symlinks=False):
        return None
    if name == "node_modules":
        return DevFolder(relative, "installed npm packages", major=True)
    if name in _BUILD_OUTPUTS:
        return DevFolder(relative, _BUILD_OUTPUTS[name], major=True)
    if name in _CACHES:
        return DevFolder(relative, _CACHES[name], major=False)
    if name in _EDITORS:
        return DevFolder(relative, _EDITORS[name], major=False)
    if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
        return DevFolder(relative, "Python virtualenv", major=True)
    if name in _OUTPUT_BESIDE:
        parent = os.path.dirname(entry.path)
        try:
            siblings = os.listdir(parent)
        except OSError:
            return None
        markers = _OUTPUT_BESIDE[name]
        if any(s in markers or s.endswith(markers) for s in siblings):
            return DevFolder(relative, "build output", major=True)
    return None
