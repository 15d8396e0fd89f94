"""User-account commands (``useradd``, ``usermod``): facts the rules that read them share."""

from __future__ import annotations

# Options of useradd (and usermod, which takes the same ones) that take a separate value, so that
# ``useradd -m -u 1000 app`` reads 1000 as the UID and ``app`` as the login.
USERADD_VALUE_OPTIONS = frozenset(
    "-u --uid -g --gid -G --groups -d --home-dir -s --shell -c --comment -e --expiredate -f --inactive -k "
    "--skel -K --key -p --password -R --root -P --prefix -b --base-dir -Z --selinux-user".split()
)
