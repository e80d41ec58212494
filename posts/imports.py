"""Importing a Mastodon (or this site's) CSV: follows, blocks, mutes, bookmarks (issue 18).

The whole file is checked in the request (import_parse): size, text, CSV, header, every
row's shape, the row limit. A refused file changes nothing. An accepted one is saved as
its parsed rows and applied by a Celery job (messaging.Job: progress, one import at a
time per member) through the same services as the pages, so every rule holds (nobody
follows a member who blocked them). Rows naming another server's account or nobody here
are counted and reported, not errors. Running the same import twice changes nothing more.

Modes as Mastodon offers them: merge (add what the file names) and overwrite (also undo
what it does not name)."""

import csv
import io
import json
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from messaging.models import Job
from messaging.services import JobAlreadyRunning, job_finish, job_progress, job_start
from posts.csv_kinds import KINDS, KNOWN_FIRST_HEADERS, CsvKind, RowRefused

IMPORT_JOB = "import"
MODES = {
    "merge": gettext_lazy("Merge: add to what I have"),
    "overwrite": gettext_lazy("Overwrite: replace what I have"),
}
# Rows resolved (one query) and applied between two progress steps.
_BATCH = 500
# How many refused rows the summary names (the count covers them all).
_REFUSALS_SHOWN = 20

_ADDRESS = re.compile(r"^@?[\w.-]{1,150}(@[\w.-]{1,253})?$")


class ImportRefused(ValidationError):
    """The file is refused as a whole; the message says why."""


def _check_key(kind: CsvKind, value: str, line: int) -> None:
    value = value.strip()
    if kind.name == "bookmarks":
        ok = value.startswith(("https://", "http://")) and len(value) <= 2000 and not any(c.isspace() for c in value)
    else:
        ok = bool(_ADDRESS.fullmatch(value))
    if not ok:
        raise ImportRefused(
            _("Line %(line)d is not an account address or post link this import can read: %(value)s")
            % {"line": line, "value": value[:60]}
        )


def too_large_message(size: int | None = None) -> str:
    limit = settings.IMPORT_MAX_BYTES // 1024
    if size is None:  # the upload handler stopped reading it: its size is unknown
        return _("The file is too large; the largest is %(limit)d KB.") % {"limit": limit}
    return _("The file is too large (%(size)d KB); the largest is %(limit)d KB.") % {
        "size": size // 1024,
        "limit": limit,
    }


def import_parse(*, kind: CsvKind, upload) -> tuple[list[list[str]], int]:
    """The file's rows (header dropped, duplicates removed) and how many duplicates there
    were. Raises ImportRefused for a file this import can't take, whole."""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportRefused(too_large_message(upload.size))
    data = upload.read(limit + 1)
    if b"\x00" in data:
        raise ImportRefused(_("This is not a CSV file (it has binary content)."))
    try:
        text = data.decode("utf-8-sig")  # Excel's byte-order mark is dropped
    except UnicodeDecodeError:
        raise ImportRefused(_("This is not a CSV file: it must be UTF-8 text.")) from None
    if not text.strip():
        raise ImportRefused(_("The file is empty."))
    rows: list[list[str]] = []
    seen: set[str] = set()
    duplicates = 0
    # CRLF and LF alike; strict: an unclosed quote is an error, not a field running to the end.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for line, row in enumerate(reader, start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            first = row[0].strip()
            if line == 1 and first.lower() in KNOWN_FIRST_HEADERS:
                other = KNOWN_FIRST_HEADERS[first.lower()]
                if other is None and kind.name == "bookmarks" or other is not None and other != kind.name:
                    raise ImportRefused(
                        _("This file holds a different list than %(kind)s; choose the matching type.")
                        % {"kind": kind.label}
                    )
                if [cell.strip() for cell in row[: len(kind.header)]] != list(kind.header[: len(row)]):
                    raise ImportRefused(
                        _("The file's header does not match a %(kind)s file: expected %(header)s.")
                        % {"kind": kind.label, "header": ",".join(kind.header)}
                    )
                continue
            if len(row) > len(kind.header):
                raise ImportRefused(
                    _("Line %(line)d has %(count)d columns; a %(kind)s file has at most %(most)d.")
                    % {"line": line, "count": len(row), "kind": kind.label, "most": len(kind.header)}
                )
            _check_key(kind, first, line)
            key = first.lower()
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            rows.append([first, *(cell.strip() for cell in row[1:])])
            if len(rows) > settings.IMPORT_MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(count)d rows; split it into smaller files.")
                    % {"count": settings.IMPORT_MAX_ROWS}
                )
    except csv.Error as error:
        raise ImportRefused(_("This is not a CSV file this import can read (%(error)s).") % {"error": error}) from None
    if not rows:
        raise ImportRefused(_("The file names no accounts or posts."))
    return rows, duplicates


def import_start(*, user: User, kind: CsvKind, mode: str, rows: list[list[str]], duplicates: int = 0) -> Job:
    """Save the checked rows and queue the job that applies them. Raises JobAlreadyRunning
    (one import at a time), or JobDeferred when the queue is down."""
    from posts import tasks

    if mode not in MODES:
        raise ImportRefused(_("Choose merge or overwrite."))
    folder = settings.JOB_RESULTS_DIR / "imports" / str(user.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_urlsafe(16)}.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    relative = str(path.relative_to(settings.JOB_RESULTS_DIR))
    # "data": the saved rows, so that deleting the account deletes them too (Job.owned_files).
    summary = {"kind": kind.name, "mode": mode, "rows": len(rows), "duplicates": duplicates, "data": relative}
    try:
        return job_start(
            user=user,
            name=IMPORT_JOB,
            description=_("Importing your %(kind)s") % {"kind": str(kind.label).lower()},
            task=tasks.csv_import,
            args=(kind.name, mode, relative),
            summary=summary,
            deferred_message=_(
                "The job queue is unavailable right now: your import is saved and will start when it is back."
            ),
        )
    except JobAlreadyRunning:
        # No job was made, so nothing will read the rows. (JobDeferred: the job waits and keeps them.)
        path.unlink(missing_ok=True)
        raise


def import_run(*, job_id: str, kind_name: str, mode: str, data: str) -> None:
    """Apply a saved import. Safe to run twice: a finished job is left alone, and a row
    applied already counts as "already there"."""
    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.complete:
        return
    user, kind = job.user, KINDS[kind_name]
    path = settings.JOB_RESULTS_DIR / data
    rows = json.loads(path.read_text(encoding="utf-8"))
    counts = {"added": 0, "already": 0, "removed": 0, "unknown": 0, "remote": 0, "refused": 0}
    refusals: list[dict] = []
    keep: set[int] = set()
    # Refusal reasons are stored as text: in the member's language (a worker has no request).
    with translation.override(user.language or settings.LANGUAGE_CODE):
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            found, remote = kind.resolve([row[0] for row in batch])
            for row in batch:
                target = found.get(row[0])
                if target is None:
                    counts["remote" if row[0] in remote else "unknown"] += 1
                    continue
                keep.add(target.pk)
                try:
                    with transaction.atomic():
                        counts["added" if kind.add(user, target, row) else "already"] += 1
                except RowRefused as refused:
                    counts["refused"] += 1
                    if len(refusals) < _REFUSALS_SHOWN:
                        refusals.append({"row": row[0], "reason": str(refused)})
            done = min(start + _BATCH, len(rows))
            if done < len(rows) and not job_progress(job=job, progress=done * 100 // len(rows)):
                return  # failed as stale meanwhile; the member was told to start again
        if mode == "overwrite":
            with transaction.atomic():
                counts["removed"] = kind.overwrite_remove(user, keep)
    summary = {**{key: value for key, value in job.summary.items() if key != "data"}, **counts, "refusals": refusals}
    if job_finish(job=job, summary=summary):
        path.unlink(missing_ok=True)
