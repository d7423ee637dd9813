"""Run the shipped nginx configuration somewhere else: other ports, upstream, directories.

The test suite (nashra/core/tests/test_nginx.py) and bench/http_bench.sh use this to start a
real nginx, as the current user, from exactly the files in deploy/nginx/: only the values a
second instance must change are replaced (listen addresses, upstream address, cache directory,
static and media roots, certificate, include directory), each replacement checked to match
the shipped text once, so an edit to the shipped files cannot silently leave the test running
something else. Standard library only.

    python deploy/nginx/render.py OUT_DIR --upstream 127.0.0.1:8000 --loopback 127.0.0.1:8080 \
        [--https 127.0.0.1:8443 --cert C --key K] [--http 127.0.0.1:8081] \
        [--static-root DIR] [--media-root DIR] [--workers N] [--extra-http FILE]
    /usr/sbin/nginx -p OUT_DIR -c OUT_DIR/nginx.conf -e OUT_DIR/error.log
"""

import argparse
import grp
import os
import pwd
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
NGINX = Path("/usr/sbin/nginx")
MODULES = Path("/usr/lib/nginx/modules")
PURGE_MODULE = MODULES / "ngx_http_cache_purge_module.so"
BROTLI_MODULE = MODULES / "ngx_http_brotli_filter_module.so"


def _replace(text: str, old: str, new: str, *, count: int = 1, name: str) -> str:
    found = text.count(old)
    if found != count:
        raise ValueError(f"{name}: expected {old!r} {count} time(s), found {found}")
    return text.replace(old, new)


def missing() -> str:
    """Why nginx cannot run here, or '' when it can."""
    if not NGINX.exists():
        return f"{NGINX} missing (Debian: apt-get install nginx-light libnginx-mod-http-cache-purge)"
    if not PURGE_MODULE.exists():
        return f"{PURGE_MODULE} missing (Debian: apt-get install libnginx-mod-http-cache-purge)"
    return ""


def render(out: Path, *, upstream: str, loopback: str, https: str = "", cert: str = "",
           key: str = "", http: str = "", static_root: str = "", media_root: str = "",
           workers: int | str = 1, extra_http: str = "", brotli: bool | None = None) -> Path:
    """Write nginx.conf (and the shipped files it includes) under OUT; return its path."""
    out = Path(out).resolve()
    (out / "optional").mkdir(parents=True, exist_ok=True)
    for sub in ("cache", "tmp", "logs"):
        (out / sub).mkdir(exist_ok=True)
    brotli = BROTLI_MODULE.exists() if brotli is None else brotli

    site = (HERE / "nashra.conf").read_text()
    site = _replace(site, "    server 127.0.0.1:8000;", f"    server {upstream};",
                    name="upstream")
    site = _replace(site, "proxy_cache_path /var/cache/nginx/nashra ",
                    f"proxy_cache_path {out / 'cache'} ", name="cache path")
    site = _replace(site, "    listen 127.0.0.1:8080;", f"    listen {loopback};",
                    name="loopback listener")
    site = _replace(site, "include /etc/nginx/nashra/site.conf;", f"include {out / 'site.conf'};",
                    count=2,
                    name="site include")
    # The public servers are kept only when asked for (the https one needs a certificate).
    http_server = "    listen 80;\n    listen [::]:80;\n"
    https_server = "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n"
    site = _replace(site, http_server, f"    listen {http};\n" if http else "", name="http")
    site = _replace(site, https_server, f"    listen {https} ssl http2;\n" if https else "",
                    name="https")
    site = _replace(site, "/etc/letsencrypt/live/news.example.org/fullchain.pem",
                    cert or "/nonexistent", name="certificate")
    site = _replace(site, "/etc/letsencrypt/live/news.example.org/privkey.pem",
                    key or "/nonexistent", name="certificate key")
    if not http or not https:
        site = _drop_servers(site, keep_http=bool(http), keep_https=bool(https))

    locations = (HERE / "nashra-site.conf").read_text()
    locations = _replace(locations, "/etc/nginx/nashra/optional/", f"{out / 'optional'}/",
                         name="optional include")
    locations = _replace(locations, "alias /srv/nashra/var/static/;",
                         f"alias {static_root or out / 'static'}/;", name="static root")
    locations = _replace(locations, "alias /srv/nashra/var/media/;",
                         f"alias {media_root or out / 'media'}/;", name="media root")

    (out / "nashra.conf").write_text(site)
    (out / "site.conf").write_text(locations)
    optional = out / "optional" / "brotli.conf"
    if brotli:
        optional.write_text((HERE / "nashra-brotli.conf").read_text())
    elif optional.exists():
        optional.unlink()

    # What Debian's /etc/nginx/nginx.conf and modules-enabled/ provide, minus root's paths.
    modules = [PURGE_MODULE] + ([BROTLI_MODULE] if brotli else [])
    user = ""
    if os.geteuid() == 0:  # workers would otherwise drop to nobody, who cannot read OUT
        user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
    tmp = out / "tmp"
    main = "\n".join([
        *(f"load_module {m};" for m in modules),
        user,
        "daemon off;",  # run in the foreground, a child of whoever started it
        f"worker_processes {workers};",
        f"pid {out / 'nginx.pid'};",
        f"error_log {out / 'logs' / 'error.log'} warn;",
        "events { worker_connections 4096; }",
        "http {",
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    types_hash_max_size 2048;",
        "    gzip on;",
        f"    access_log {out / 'logs' / 'access.log'};",
        *(f"    {kind}_temp_path {tmp / kind};"
          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        f"    include {out / 'nashra.conf'};",
        extra_http,
        "}",
        "",
    ])
    conf = out / "nginx.conf"
    conf.write_text(main)
    return conf


def _drop_servers(site: str, *, keep_http: bool, keep_https: bool) -> str:
    """Remove the public server blocks a caller did not ask for (server blocks are top-level)."""
    blocks, kept = site.split("\nserver {\n"), []
    for i, block in enumerate(blocks):
        if i and ("return 301 https://" in block and not keep_http
                  or "ssl_certificate " in block and not keep_https):
            continue
        kept.append(block)
    return "\nserver {\n".join(kept)


def command(conf: Path) -> list[str]:
    """The nginx command line that runs CONF in the foreground."""
    out = conf.parent
    return [str(NGINX), "-p", str(out), "-c", str(conf), "-e", str(out / "logs" / "error.log")]


def check(conf: Path) -> None:
    """nginx -t on CONF: raises with nginx's message when the configuration is refused."""
    result = subprocess.run([*command(conf), "-t"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nginx -t refused {conf}:\n{result.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--loopback", required=True)
    parser.add_argument("--https", default="")
    parser.add_argument("--cert", default="")
    parser.add_argument("--key", default="")
    parser.add_argument("--http", default="")
    parser.add_argument("--static-root", default="")
    parser.add_argument("--media-root", default="")
    parser.add_argument("--workers", default="1", help="a number or auto")
    parser.add_argument("--extra-http", type=Path, help="a file of http-context lines to add")
    args = parser.parse_args()
    extra = args.extra_http.read_text() if args.extra_http else ""
    conf = render(args.out, upstream=args.upstream, loopback=args.loopback, https=args.https,
                  cert=args.cert, key=args.key, http=args.http, static_root=args.static_root,
                  media_root=args.media_root, workers=args.workers, extra_http=extra)
    check(conf)
    print(" ".join(command(conf)))


if __name__ == "__main__":
    main()
