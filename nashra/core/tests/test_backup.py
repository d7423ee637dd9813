"""`nashra backup` and `nashra restore`: a site with a story, an image, a comment and a
redirect is backed up here and restored by the real command into a new install (its own
SQLite file and media folder, in a subprocess), which then serves the same story."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.images import ImageFile
from django.db import connection
from django.test import override_settings

from nashra.core.backup import (
    MANIFEST,
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
)

NASHRA = str(Path(sys.executable).with_name("nashra"))

# Run in the restored install: its row counts (before anything renders) and the story and
# the old address as a reader gets them.
READ_BACK = """
import json
from django.apps import apps
from django.test import Client
from nashra.comments.models import Comment
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
client = Client()
story = client.get(PATH)
old = client.get("/old-story-address/")
print(json.dumps({"counts": counts, "status": story.status_code,
                  "html": story.content.decode(), "redirect": [old.status_code,
                  old.headers.get("Location", "")],
                  "comments": list(Comment.objects.values_list("body", flat=True))}))
"""


def _png() -> io.BytesIO:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 40)).save(buffer, "PNG")
    return buffer


def _site(make_article, home):
    from wagtail.contrib.redirects.models import Redirect

    from nashra.comments.services import comment_create
    from nashra.core.models import NashraImage

    story = make_article(title="النسخة الاحتياطية تحفظ الخبر",
                         body="نص الخبر الذي يجب أن يعود كما كان.")
    image = NashraImage(title="صورة الخبر")
    image.file = ImageFile(_png(), name="backup-test.png")
    image.save()
    story.hero_image = image
    story.save_revision().publish()
    comment_create(page=story, author_name="قارئ", author_email="reader@example.com",
                   body="تعليق يبقى بعد الاستعادة")
    Redirect.objects.create(old_path="/old-story-address", redirect_page=story,
                            site=home.get_site())
    return story


def _counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _install_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE="nashra.settings.dev", NASHRA_VAR_DIR=str(root),
               MEDIA_ROOT=str(root / "media"), NASHRA_TASKS="immediate")
    return env


# Last (before the replica test, also last): what the round trip leaves in the storages and
# caches made the browser test's pictures fail to load when it ran after them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_a_site_with_the_same_pages_and_counts(
        make_article, home, tmp_path, client):
    if connection.vendor != "sqlite":
        pytest.skip("the round trip restores into a new SQLite install; on PostgreSQL only "
                    "pg_dump's output is checked (test_postgresql_dump_lists_the_tables)")
    media = tmp_path / "media-before"
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND":
                                "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages, MEDIA_ROOT=str(media)):
        story = _site(make_article, home)
        before = client.get(story.url)
        assert before.status_code == 200
        counts = _counts()
        folder = backup_create(target_dir=tmp_path / "backups", connection=connection,
                               media_root=media)

    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["database"] == {"engine": "sqlite", "file": "database.sqlite3"}
    assert manifest["migrations"]["news"] and manifest["nashra"]["package"]
    listed = {entry["path"] for entry in manifest["files"]}
    assert "database.sqlite3" in listed
    assert f"media/{story.hero_image.file.name}" in listed

    site = tmp_path / "restored"
    env = _install_env(site)
    done = subprocess.run([NASHRA, "restore", str(folder)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "مُسحت الذاكرة المؤقتة" in done.stdout
    read = subprocess.run([NASHRA, "shell", "-c", f"PATH = {story.url!r}\n{READ_BACK}"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout.strip().splitlines()[-1])

    assert after["counts"] == counts
    assert after["status"] == 200
    html_before = before.content.decode()
    # (The comment waits for moderation, so it is in the rows rather than on the page.)
    assert after["comments"] == ["تعليق يبقى بعد الاستعادة"]
    for text in ("النسخة الاحتياطية تحفظ الخبر", "نص الخبر الذي يجب أن يعود كما كان."):
        assert text in html_before and text in after["html"], text
    # The hero's renditions the page shows: the same addresses, their files restored.
    shown = [r for r in story.hero_image.renditions.all() if r.file.url in html_before]
    assert shown
    for rendition in shown:
        assert rendition.file.url in after["html"]
    original = story.hero_image.file.name
    assert (site / "media" / original).read_bytes() == (media / original).read_bytes()
    assert after["redirect"][0] in {301, 302} and after["redirect"][1].endswith(story.url)

    # A second restore into the now full install is refused without --force.
    again = subprocess.run([NASHRA, "restore", str(folder)], env=env, capture_output=True,
                           text=True, timeout=300, check=False)
    assert again.returncode != 0 and "--force" in again.stderr


# Last (before the replica test, also last): what the round trip leaves in the storages and
# caches made the browser test's pictures fail to load when it ran after them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused_and_nothing_changes(tmp_path):
    media = tmp_path / "media"
    (media / "original_images").mkdir(parents=True)
    (media / "original_images" / "a.png").write_bytes(_png().getvalue())
    folder = backup_create(target_dir=tmp_path / "backups", connection=connection,
                           media_root=media)
    backup_verify(folder=folder)
    (folder / "media" / "original_images" / "a.png").write_bytes(b"not the picture")
    target = tmp_path / "target.sqlite3"
    with pytest.raises(BackupError, match="damaged: media/original_images/a.png"):
        backup_restore(folder=folder, connection=_sqlite_connection(target),
                       media_root=tmp_path / "restored-media", force=True)
    assert not target.exists()
    assert not (tmp_path / "restored-media").exists()


# Last (before the replica test, also last): what the round trip leaves in the storages and
# caches made the browser test's pictures fail to load when it ran after them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_content_is_refused_without_force(tmp_path):
    from django.contrib.auth.models import User

    User.objects.create(username="editor")
    folder = backup_create(target_dir=tmp_path / "backups", connection=connection,
                           media_root=None)
    with pytest.raises(BackupError, match="not empty.*--force"):
        backup_restore(folder=folder, connection=connection, media_root=None)


# Last (before the replica test, also last): what the round trip leaves in the storages and
# caches made the browser test's pictures fail to load when it ran after them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keep_deletes_only_older_backups_it_made(tmp_path):
    target = tmp_path / "backups"
    (target / "nashra-backup-other").mkdir(parents=True)  # no manifest: not one of ours
    (target / "notes").mkdir()
    start = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
    made = [backup_create(target_dir=target, connection=connection, media_root=None,
                          keep=2, now=start + datetime.timedelta(days=day))
            for day in range(4)]
    left = sorted(path.name for path in target.iterdir())
    assert left == ["nashra-backup-20261203T030000Z", "nashra-backup-20261204T030000Z",
                    "nashra-backup-other", "notes"]
    assert [path.exists() for path in made] == [False, False, True, True]


# Last (before the replica test, also last): what the round trip leaves in the storages and
# caches made the browser test's pictures fail to load when it ran after them.
@pytest.mark.runs_last
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_manifest_counts_every_table_of_its_snapshot(make_article, tmp_path, monkeypatch):
    # A restore drill compares a restored site's rows with these counts, so they must be the
    # snapshot's own: on PostgreSQL a row committed while pg_dump runs is in neither.
    from nashra.core import backup
    from nashra.news.models import ArticlePage

    make_article(title="خبر في النسخة")
    tables = {m._meta.db_table: m._default_manager.count() for m in apps.get_models()
              if not m._meta.proxy}
    run = backup._run

    def dump_while_a_group_is_added(args, *, env):
        if args[0] == "pg_dump":
            other = connection.copy()
            try:
                with other.cursor() as cursor:  # autocommit: committed at once
                    cursor.execute("INSERT INTO auth_group (name) VALUES ('later')")
            finally:
                other.close()
        return run(args, env=env)

    monkeypatch.setattr(backup, "_run", dump_while_a_group_is_added)
    folder = backup_create(target_dir=tmp_path / "backups", connection=connection,
                           media_root=None)
    rows = json.loads((folder / MANIFEST).read_text())["rows"]
    assert {table: rows[table] for table in tables} == tables
    assert rows["news_articlepage"] == ArticlePage.objects.count() == 1
    assert set(rows) >= {"django_migrations", "wagtailcore_page"}
    if connection.vendor == "postgresql":
        from django.contrib.auth.models import Group

        assert Group.objects.filter(name="later").exists()  # committed during the dump,
        data = subprocess.run(  # but in neither the counts nor the dump
            ["pg_restore", "--data-only", "--table=auth_group", "--file=-",
             str(folder / "database.pgdump")], capture_output=True, text=True, check=True)
        assert "later" not in data.stdout
        assert rows["auth_group"] == tables["auth_group"]


@pytest.mark.skipif(not os.environ.get("NASHRA_TEST_DATABASE_URL"),
                    reason="PostgreSQL only: NASHRA_TEST_DATABASE_URL is not set")
def test_postgresql_dump_lists_the_tables(make_article, tmp_path):
    # pg_dump's custom format, read back by pg_restore --list: the restore into a scratch
    # database is the drill in docs/deployment.md (the suite's role may not create one).
    make_article()
    folder = backup_create(target_dir=tmp_path / "backups", connection=connection,
                           media_root=None)
    listing = subprocess.run(["pg_restore", "--list", str(folder / "database.pgdump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public news_articlepage" in listing
    backup_verify(folder=folder)


def _sqlite_connection(path: Path):
    """A Django connection to a SQLite file of its own (never opened unless used)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    return DatabaseWrapper({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                            "OPTIONS": {}, "TIME_ZONE": None, "CONN_MAX_AGE": 0,
                            "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
                            "ATOMIC_REQUESTS": False, "TEST": {}}, alias="scratch")
