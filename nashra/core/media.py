"""Uploads served by Django itself, when no front server (nginx, a bucket) does it."""

from django.http import Http404
from django.views.static import serve

# What Linux file systems take: a longer name makes the lookup fail with OSError, not a 404.
NAME_MAX = 255
PATH_MAX = 4096


def media_serve(request, path: str, document_root: str):
    """Django's static serve, with the 404 it should give for a name no file can have."""
    if len(path.encode()) >= PATH_MAX or any(
            len(part.encode()) > NAME_MAX for part in path.split("/")):
        raise Http404("لا يوجد ملف بهذا الاسم")
    return serve(request, path, document_root=document_root)
