"""Backups of the whole site: the database, the media files and a manifest that checks them.

`backup_create` writes one folder, `nashra-backup-<UTC time>`, holding:

- `database.sqlite3` (SQLite's online backup API: a consistent copy while the site runs) or
  `database.pgdump` (`pg_dump --format=custom`, one snapshot transaction);
- `media/`, a copy of MEDIA_ROOT;
- `manifest.json`: nashra's version and git commit, the database engine, the latest applied
  migration per app, the rows of every table in the snapshot (counted inside the snapshot
  itself, so a restore drill can compare a restored site with them even when the backup ran
  under load), every file with its size and SHA-256, and the time.

The folder is written under a `.partial` name and renamed when complete, so a backup cut
short never looks like one (nor counts for `keep`). `backup_restore` checks every file
against the manifest before it changes anything. Database settings are passed in (a
`settings.DATABASES` entry), so the tests restore into a database of their own.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

FOLDER_PREFIX = "nashra-backup-"
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"
FORMAT_VERSION = 1
# Rows a fresh install has after `nashra migrate`/`setup` alone (Wagtail's root and welcome
# pages, the home page and its default site): anything beyond these is someone's content.
CONTENT_TABLES = {"wagtailcore_page": 3, "auth_user": 0, "wagtailimages_image": 0,
                  "comments_comment": 0, "wagtailredirects_redirect": 0}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    folder: Path
    engine: str
    files: int


def _engine(database: dict) -> str:
    engine = database["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"nashra backs up SQLite and PostgreSQL, not {engine}")


def _pg_env(database: dict) -> dict:
    """libpq's variables for pg_dump/pg_restore: the password never shows in `ps`."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if database.get(key):
            env[var] = str(database[key])
    return env


def _run(args: list[str], *, env: dict) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{args[0]} is not installed (Debian: postgresql-client)") from exc
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> dict:
    try:
        package = metadata.version("nashra")
    except metadata.PackageNotFoundError:
        package = "unknown"
    commit = ""
    repo = Path(__file__).resolve().parents[2]
    if (repo / ".git").exists():
        try:
            commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, check=False).stdout.strip()
        except FileNotFoundError:
            commit = ""
    return {"package": package, "commit": commit}


def migration_state(connection) -> dict[str, str]:
    """The latest applied migration of each app (by name: migrations are numbered)."""
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quoted(table)}")  # noqa: S608 - catalog names
        counts[table] = cursor.fetchone()[0]
    return counts


def _dump_database(*, connection, database: dict, folder: Path) -> tuple[str, dict[str, int]]:
    """The snapshot's file name and the rows of each of its tables, counted in it."""
    engine = _engine(database)
    if engine == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup of a connection holding its own write lock waits forever.
            raise BackupError("a SQLite backup cannot run inside a transaction")
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            # Through Django's own connection: the same database whatever its NAME looks like
            # (an in-memory test database too); pages are copied under a read lock.
            connection.connection.backup(target)
            cursor = target.cursor()
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite_%'")
            rows = _rows(cursor, [name for (name,) in cursor.fetchall()])
        finally:
            target.close()
        return SQLITE_FILE, rows
    # One snapshot for the counts and for pg_dump: a transaction of our own exports it and
    # stays open until pg_dump has read everything through it (--snapshot).
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            rows = _rows(cursor, [name for (name,) in cursor.fetchall()])
            _run(["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}",
                  f"--file={folder / PGDUMP_FILE}"], env=_pg_env(database))
        raw.rollback()
    finally:
        raw.close()
    return PGDUMP_FILE, rows


def _file_list(folder: Path) -> list[dict]:
    return [{"path": path.relative_to(folder).as_posix(), "size": path.stat().st_size,
             "sha256": _sha256(path)}
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MANIFEST]


def backup_create(*, target_dir: Path, connection, media_root: Path | None,
                  keep: int | None = None, now: datetime.datetime | None = None) -> Path:
    """Write a backup folder under target_dir and return it; with `keep`, delete all but the
    newest `keep` backup folders there (only folders this function wrote)."""
    now = now or datetime.datetime.now(datetime.UTC)
    database = connection.settings_dict
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    name = FOLDER_PREFIX + now.strftime("%Y%m%dT%H%M%SZ")
    final = target_dir / name
    if final.exists():
        raise BackupError(f"{final} exists already")
    partial = target_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        database_file, rows = _dump_database(connection=connection, database=database,
                                             folder=partial)
        if media_root is not None and Path(media_root).is_dir():
            shutil.copytree(media_root, partial / MEDIA_DIR, symlinks=False)
        else:
            (partial / MEDIA_DIR).mkdir()
        manifest = {
            "format": FORMAT_VERSION,
            "created": now.isoformat(timespec="seconds"),
            "nashra": _version(),
            "database": {"engine": _engine(database), "file": database_file},
            "migrations": migration_state(connection),
            "rows": rows,
            "files": _file_list(partial),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep is not None:
        backups_prune(target_dir=target_dir, keep=keep)
    return final


def backups_prune(*, target_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backup folders; return the deleted ones."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    folders = sorted(path for path in Path(target_dir).iterdir()
                     if path.is_dir() and path.name.startswith(FOLDER_PREFIX)
                     and (path / MANIFEST).is_file())
    removed = folders[:-keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


def backup_verify(*, folder: Path) -> dict:
    """The manifest, once every file it lists is there with its size and checksum."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        database_file = manifest["database"]["file"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder} is not a nashra backup (manifest: {exc})") from exc
    problems = []
    for entry in files:
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(f"missing: {entry['path']}")
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            problems.append(f"damaged: {entry['path']}")
    if database_file not in {entry["path"] for entry in files}:
        problems.append(f"the manifest lists no {database_file}")
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise BackupError(f"{folder} fails its checksums, nothing restored: {shown}")
    return manifest


def database_content(*, connection) -> dict[str, int]:
    """Tables of CONTENT_TABLES holding more rows than a fresh install: {table: rows}."""
    tables = set(connection.introspection.table_names())
    found = {}
    with connection.cursor() as cursor:
        for table, fresh in CONTENT_TABLES.items():
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                rows = cursor.fetchone()[0]
                if rows > fresh:
                    found[table] = rows
    return found


def backup_restore(*, folder: Path, connection, media_root: Path | None,
                   force: bool = False) -> RestoreResult:
    """Put a verified backup's database and media in place of the configured ones.

    Refuses, changing nothing, a damaged backup, a backup of the other engine, and (without
    `force`) a database that holds content. Migrating and clearing caches are the caller's.
    """
    folder = Path(folder)
    manifest = backup_verify(folder=folder)
    database = connection.settings_dict
    engine = _engine(database)
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"this backup is of a {manifest['database']['engine']} database; "
                          f"the configured one is {engine}")
    if not force:
        content = database_content(connection=connection)
        if content:
            rows = ", ".join(f"{table} {n}" for table, n in sorted(content.items()))
            raise BackupError(f"the database is not empty ({rows}); "
                              "restore with --force to replace it")
    snapshot = folder / manifest["database"]["file"]
    if engine == "sqlite":
        connection.close()
        source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        target = sqlite3.connect(database["NAME"])
        try:
            # Page by page into the configured file, under its lock (and its WAL, if any):
            # unlike a file copy, safe against a process that still has it open.
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
              "--no-password", "--single-transaction", f"--dbname={database['NAME']}",
              str(snapshot)], env=_pg_env(database))
    media_files = [entry for entry in manifest["files"]
                   if entry["path"].startswith(MEDIA_DIR + "/")]
    if media_root is not None and (folder / MEDIA_DIR).is_dir():
        Path(media_root).mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder / MEDIA_DIR, media_root, dirs_exist_ok=True)
    return RestoreResult(folder=folder, engine=engine, files=len(media_files))
