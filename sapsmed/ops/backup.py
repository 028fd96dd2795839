"""Back up and restore everything: every database row (any engine) and every uploaded file.

Rules, in words:
- A backup is one zip file: `data.xml` (Django's serialised rows, with natural keys for content
  types and permissions so it loads into a freshly migrated database of either engine; XML because
  Django's JSON serialiser cuts timestamps to milliseconds and a restore must give back every value),
  `files/...` (everything under MEDIA_ROOT) and `manifest.json` (when, which database engine, the
  row count of every model and the SHA-256 of data.xml and of every file).
- Restore refuses a backup whose checksums do not match, and refuses a database that already holds
  data unless told to replace it. It loads all rows in one transaction, copies the files back, and
  then checks that every model's row count and every file's checksum equal the manifest's.
- Rows that are rebuilt by `migrate` (content types, permissions) or are only transient (sessions,
  login-attempt logs) are not backed up.
"""

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]
FORMAT = "sapsmed-backup/2"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _excluded(model) -> bool:
    label = model._meta.label_lower
    return any(label == e or label.startswith(e + ".") or model._meta.app_label == e for e in EXCLUDED)


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in apps.get_models() if not _excluded(m)}


def media_files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def backup_create(out: Path) -> dict:
    """Write a backup zip to `out`; return its manifest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.xml"
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=False, format="xml",
                     output=str(data), verbosity=0)
        files = media_files()
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connection.vendor,
            "counts": row_counts(), "data_sha256": _sha256(data), "files": files,
        }
        partial = out.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.write(data, "data.xml")
            for rel in files:
                zf.write(Path(settings.MEDIA_ROOT) / rel, f"files/{rel}")
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        partial.replace(out)  # a backup file exists only once it is whole
    return manifest


def _read_manifest(zf: zipfile.ZipFile, name: str) -> dict:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except KeyError as exc:
        raise BackupError(f"{name} is not a sapsmed backup (no manifest.json).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{name}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def wipe() -> None:
    """Delete every row (flush), inside the caller's transaction on either engine."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # TRUNCATE is refused while deferred foreign-key checks are pending in the transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        # loaddata inserts rows in any order and relies on checks deferred to commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def backup_restore(path: Path, *, replace: bool = False) -> dict:
    """Restore a backup into this (migrated) database and MEDIA_ROOT; return its manifest."""
    if not zipfile.is_zipfile(path):
        raise BackupError(f"{path} is not a zip file.")
    with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(zf, path.name)
        zf.extractall(tmp)  # names are checked below against the manifest before anything is used
        data = Path(tmp) / "data.xml"
        if not data.is_file() or _sha256(data) != manifest["data_sha256"]:
            raise BackupError(f"{path.name}: data.xml does not match its checksum; the backup is damaged.")
        for rel, digest in manifest["files"].items():
            extracted = Path(tmp) / "files" / rel
            if ".." in Path(rel).parts or not extracted.is_file() or _sha256(extracted) != digest:
                raise BackupError(f"{path.name}: file {rel} is missing or damaged.")
        if any(row_counts().values()) and not replace:
            raise BackupError("This database already holds data. Restore into an empty database, "
                              "or pass --replace to wipe it first.")
        # The backup already holds the audit history; recording the reload as new changes would
        # double it, so history is off while the rows go back in.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            if replace:
                wipe()
            call_command("loaddata", str(data), verbosity=0)
            counts = row_counts()
            wrong = {k: (counts.get(k), v) for k, v in manifest["counts"].items() if counts.get(k) != v}
            if wrong:
                raise BackupError(f"Restored row counts differ from the backup: {wrong}")
        media = Path(settings.MEDIA_ROOT)
        if replace and media.exists():
            shutil.rmtree(media)
        for rel in manifest["files"]:
            target = media / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "files" / rel, target)
        current = media_files()
        damaged = [rel for rel, digest in manifest["files"].items() if current.get(rel) != digest]
        if damaged:
            raise BackupError(f"Restored files do not match the backup's checksums: {damaged}")
    return manifest
