"""Keyed hashes: how the app recognises a commenter, an address or a body without keeping it raw."""

import hashlib
import hmac
import ipaddress

from django.conf import settings

from nashra.arabic.normalize import normalize


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def body_key(body: str) -> str:
    return hashlib.sha256(" ".join(normalize(body).split()).encode()).hexdigest()


def _address(ip: str):
    try:
        return ipaddress.ip_address(ip.strip())
    except ValueError:
        return None


def truncate_ip(ip: str) -> str:
    """IPv4 to its /24, IPv6 to its /48: what Akismet is told with a moderator's report, when
    it is on (Comment.ip_prefix); not enough to name a reader."""
    addr = _address(ip)
    if addr is None:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False).network_address)


def rate_network(ip: str) -> str:
    """The network a reader's posts are counted under, as "address/prefix": by default the
    IPv4 address itself and the IPv6 /64 (settings.NASHRA_COMMENT_RATE_IPV4_PREFIX and
    _IPV6_PREFIX), so readers behind one carrier-grade NAT do not share a limit. An IPv4
    address written as IPv6 (::ffff:a.b.c.d) counts as itself."""
    addr = _address(ip)
    if addr is None:
        return ""
    if addr.version == 6 and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.version == 4:
        prefix = settings.NASHRA_COMMENT_RATE_IPV4_PREFIX
    else:
        prefix = settings.NASHRA_COMMENT_RATE_IPV6_PREFIX
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def ip_key(ip: str) -> str:
    """A keyed hash of rate_network: the rate limit's key, stored with each comment
    (Comment.ip_key); the address itself is never kept."""
    network = rate_network(ip)
    if not network:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256).hexdigest()
