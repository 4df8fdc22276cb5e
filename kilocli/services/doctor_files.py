"""``kilocli doctor``'s look at kilocli's own files: each one readable and valid, and private
(``--fix`` tightens what is looser than it should be, never through a link)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kilocli.errors import KilocliError
from kilocli.services.findings import Finding, finding
from kilocli.services.runtime import Runtime
from kilocli.storage import PRIVATE_DIR, PRIVATE_FILE, Document

Parsed = TypeVar("Parsed")


def check_file(
    findings: list[Finding], name: str, path: Path, parse: Callable[[Document, Path], Parsed]
) -> Parsed | None:
    from kilocli.storage import read_toml

    try:
        document = parse(read_toml(path), path)
    except KilocliError as exc:
        findings.append(finding(name, "error", exc.message, exc.hint))
        return None
    if not path.exists():
        findings.append(finding(name, "warning", f"{path} does not exist yet.", "kilocli onboard"))
    elif path.is_symlink():
        findings.append(
            finding(
                name,
                "warning",
                f"{path} is a symbolic link; kilocli will not write it.",
                "replace the link with a regular file",
            )
        )
    else:
        findings.append(finding(name, "ok", f"{path} is valid."))
    return document


def check_permissions(rt: Runtime, *, fix: bool) -> list[Finding]:
    targets = [
        (rt.paths.config_dir, PRIVATE_DIR),
        (rt.paths.config_file, PRIVATE_FILE),
        (rt.paths.auth_file, PRIVATE_FILE),
    ]
    findings = [
        found
        for path, wanted in targets
        if (found := _permission_finding(rt, path, wanted, fix=fix)) is not None
    ]
    if findings:
        return findings
    if not rt.paths.config_dir.exists():
        return [
            finding("permissions", "info", "Nothing to check yet: kilocli has written no file.")
        ]
    return [finding("permissions", "ok", "Files are 0600 in a 0700 directory.")]


def _permission_finding(rt: Runtime, path: Path, wanted: int, *, fix: bool) -> Finding | None:
    """A finding when ``path`` is looser than ``wanted``, else None.

    Only what kilocli would have made is judged: a directory for the directory, regular files
    for the files (the file checks report anything else, and chmod 0600 would lock a directory
    while 0700 would make a file executable). A symbolic link is followed to report a loose
    target, but never changed: kilocli does not write through links.
    """
    try:
        status = path.stat()
    except OSError:
        return None
    right_kind = stat.S_ISDIR if wanted == PRIVATE_DIR else stat.S_ISREG
    mode = stat.S_IMODE(status.st_mode)
    if not right_kind(status.st_mode) or mode & ~wanted & 0o777 == 0:
        return None
    linked = path.is_symlink()
    shown = path.resolve() if linked else path
    where = f"{shown} (behind the link {path})" if linked else str(shown)
    found = finding(
        "permissions",
        "error" if path == rt.paths.auth_file else "warning",
        f"{where} is {mode:04o}; others can read it (should be {wanted:04o}).",
        f"chmod {wanted:o} '{shown}'" + ("" if linked else "  (or: kilocli doctor --fix)"),
    )
    if not fix or linked:
        return found
    try:
        path.chmod(wanted)
    except OSError as exc:
        message = found.message + f" Could not fix: {exc.strerror}."
        return found.model_copy(update={"message": message})
    message = found.message + f" Now {wanted:04o}."
    return found.model_copy(update={"message": message, "fixed": True})
