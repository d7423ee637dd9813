"""The site's public address: BASE_URL (settings) written into the default Wagtail Site.

Every absolute link nashra prints — canonical, og:url, JSON-LD, feeds, sitemaps, robots.txt,
the API, share and short links, e-mails — is built from the Site's `root_url`
(nashra.distribution.links), so this is the one place that decides the host. `nashra setup`
calls `site_address_set`; `nashra check --deploy` refuses a Site still on a local name.

A Wagtail Site has a host name and a port, and reads port 443 as https and any other as http;
https on another port cannot be said, so it is refused here rather than printed wrong.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_HOSTNAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "testserver"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressError(ValueError):
    """BASE_URL cannot be a public address; the message is for the operator, in Arabic."""


@dataclass(frozen=True)
class Address:
    hostname: str
    port: int

    @property
    def root_url(self) -> str:
        if self.port == 80:
            return f"http://{self.hostname}"
        if self.port == 443:
            return f"https://{self.hostname}"
        return f"http://{self.hostname}:{self.port}"


def address_parse(base_url: str) -> Address:
    """`https://news.example.org` → Address("news.example.org", 443)."""
    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError:
        raise AddressError(f"BASE_URL ليس عنوانًا صالحًا: {base_url!r}") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise AddressError(
            f"BASE_URL يجب أن يبدأ بـ https:// أو http:// ويليه اسم النطاق: {base_url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise AddressError(
            f"BASE_URL عنوان الموقع وحده، بلا مسار ولا استعلام: {base_url!r}")
    if parts.scheme == "https" and port not in (None, 443):
        raise AddressError(
            f"BASE_URL: لا يخدم الموقع https إلا على المنفذ 443 (مواقع Wagtail): {base_url!r}")
    return Address(hostname=parts.hostname.lower(), port=port or DEFAULT_PORTS[parts.scheme])


def is_local(hostname: str) -> bool:
    """A name only this machine answers to: no reader can follow a link to it."""
    host = hostname.lower().strip("[]")
    return (host in LOCAL_HOSTNAMES or host.endswith(".localhost")
            or host.startswith("127."))


def site_address_set(*, base_url: str, site_name: str = ""):
    """Point the default Wagtail Site at `base_url` (creating nothing else); returns the Site
    and whether it changed. Raises AddressError for an address a Site cannot hold."""
    from wagtail.models import Site

    address = address_parse(base_url)
    site = Site.objects.get(is_default_site=True)
    changed = (site.hostname, site.port) != (address.hostname, address.port)
    if changed:
        site.hostname, site.port = address.hostname, address.port
        if site_name and not site.site_name:
            site.site_name = site_name
        site.save()
    return site, changed


def default_site_is_local() -> str | None:
    """The default Site's root URL when it is still on a local name, else None."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is not None and is_local(site.hostname):
        return site.root_url
    return None
