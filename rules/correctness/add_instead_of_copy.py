"""IL8020 add-instead-of-copy."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.dockerfile import Instruction
from imagelint.edits import replace_keyword
from imagelint.fixes import Fix
from imagelint.knowledge.context_sources import clean_source, is_remote
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.correctness.shared import keyword_cased
from imagelint.variables import expand

# Names of the archives ADD unpacks (it tells a tar archive, plain or gzip/bzip2/xz/zstd
# compressed, by its content; these are the names such files go by).
ARCHIVE_SUFFIXES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz", ".zst",
)  # fmt: skip
# Flags COPY takes as well; an ADD with another one (--checksum, --keep-git-dir, --unpack) needs ADD.
_COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})
# Kinds of files that are not tar archives: copying them with COPY gives the same image.
_NOT_ARCHIVE_SUFFIXES = frozenset(
    {".py", ".pyc", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".json", ".yaml", ".yml", ".toml", ".ini",
     ".cfg", ".conf", ".config", ".properties", ".xml", ".html", ".htm", ".css", ".scss", ".md", ".rst",
     ".txt", ".csv", ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd", ".go", ".mod", ".sum", ".rs", ".java",
     ".kt", ".scala", ".rb", ".php", ".pl", ".lua", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".env", ".lock",
     ".sql", ".pem", ".crt", ".cer", ".key", ".pub", ".repo", ".list", ".service", ".j2", ".tmpl", ".tpl",
     ".template", ".patch", ".diff", ".gradle", ".jar", ".war", ".zip", ".whl", ".png", ".jpg", ".jpeg",
     ".gif", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".pdf", ".vim", ".el", ".r", ".swift", ".dart"}
)  # fmt: skip
_NOT_ARCHIVE_NAMES = frozenset(
    {"dockerfile", "makefile", "gemfile", "pipfile", "procfile", "rakefile", "jenkinsfile", "license",
     "readme", "notice", "authors", "changelog", ".gitignore", ".dockerignore", ".npmrc", ".bashrc",
     ".profile", ".env"}
)  # fmt: skip


@rule(
    code="IL8020",
    name="add-instead-of-copy",
    family="correctness",
    severity="warning",
    hadolint=("DL3020",),
    fixes=("safe", "unsafe"),
    instructions=("ADD",),
)
def add_instead_of_copy(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """ADD of local files or folders, where COPY does the same and says so.

    ## Why
    ADD does more than copy: it fetches URLs and unpacks local tar archives. Used for plain files
    it reads as if it did one of those, and it unpacks an archive that later turns up among its
    sources. COPY only copies. The rule stays silent for URLs and git sources, for sources named
    like the archives ADD unpacks (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`,
    `.txz`, `.tar.zst`, `.gz`, `.bz2`, `.xz`, `.zst`), for variables whose value it does not know,
    for heredocs, and for flags only ADD has (`--checksum`, `--keep-git-dir`).

    ## Bad
    ```dockerfile
    FROM python:3.12-slim
    ADD requirements.txt app.py /srv/app/
    ```
    ```dockerfile
    FROM nginx:1.27
    ADD site /usr/share/nginx/html
    ```

    ## Good
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt app.py /srv/app/
    ADD rootfs.tar.gz /
    ADD https://example.com/tool.sh /usr/local/bin/tool.sh
    ```

    ## Fix
    Write COPY. `imagelint fix` replaces the keyword when every source is known not to be an
    archive: a folder (`.`, `src/`, or a folder of the build context), or a name with a text or
    code extension (`app.py`, `*.json`, `nginx.conf`); with `--unsafe` it also does when a source
    could be one (`site`, `bin/tool`, `*`).

    ## Fix safety
    Unsafe when a source could be a tar archive: ADD recognises archives by their content, not
    their name, so a file without an extension (or a wildcard) may be one ADD unpacks into the
    destination, where COPY copies the archive file itself.
    """
    for instruction in ctx.of("ADD"):
        sources = _local_sources(instruction)
        if sources is None:
            continue
        safe = all(_is_not_archive(ctx, source) for source in sources)
        keyword = keyword_cased(instruction, "COPY")
        fix = Fix(
            f"write {keyword}" if safe else f"write {keyword} (if no source is a tar archive for ADD to unpack)",
            "safe" if safe else "unsafe",
            (replace_keyword(instruction, keyword),),
        )
        yield Violation(
            "ADD of local files only copies them, as COPY does; use COPY, and keep ADD for URLs and archives to unpack",
            instruction,
            fix=fix,
        )


def _local_sources(instruction: Instruction) -> list[str] | None:
    """The sources (variables expanded) when each is a local path ADD copies as COPY would; None
    when one is a URL, a git source, an archive name, a heredoc or unknown, or a flag needs ADD."""
    if instruction.heredocs or any(flag.lstrip("-").split("=", 1)[0] not in _COPY_FLAGS for flag in instruction.flags):
        return None
    words = instruction.words()
    if len(words) < 2:
        return None
    sources = []
    for written in words[:-1]:
        if written.startswith("<<"):
            return None
        resolved = written
        if "$" in written:
            if instruction.scope is None:
                return None
            expansion = expand(written, instruction.scope)
            if expansion.undefined or "$" in expansion.text or not expansion.text:
                return None
            resolved = expansion.text
        if is_remote(resolved) or resolved.lower().endswith(ARCHIVE_SUFFIXES):
            return None
        sources.append(resolved)
    return sources


def _is_not_archive(ctx: LintContext, source: str) -> bool:
    """Whether the source is a folder or a kind of file that is no tar archive."""
    path = clean_source(source)
    if path == "" or source.endswith("/"):
        return True  # the context root or a folder (``*`` may match an archive: not this)
    name = posixpath.basename(path).lower()
    if name in _NOT_ARCHIVE_NAMES or posixpath.splitext(name)[1] in _NOT_ARCHIVE_SUFFIXES:
        return True
    context = ctx.build_context
    return context is not None and not any(ch in path for ch in "*?[") and context.is_dir(path)
