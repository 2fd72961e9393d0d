"""The canonical form of an article URL: one story, one string, however it was linked.

Applied before requesting (to skip stories already archived) and on every item. Percent-
encoding, query order and fragments are normalised by ``w3lib.url.canonicalize_url``; on top of
it this drops default ports, tracking parameters and trailing slashes, and folds AMP and mobile
variants into the plain article URL. ``canonicalize_url(canonicalize_url(u))`` equals
``canonicalize_url(u)``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize_url

#: Query parameters that only say how a reader arrived, never which story they get.
TRACKING_PARAMETERS = frozenset(
    {
        # ad and social click ids
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",  # Google Display
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X/Twitter
        "ttclid",  # TikTok
        "li_fat_id",  # LinkedIn
        "igshid",  # Instagram
        "igsh",
        # mail campaigns
        "mc_cid",  # Mailchimp
        "mc_eid",
        "mkt_tok",  # Marketo
        "_hsenc",  # HubSpot
        "_hsmi",
        "vero_id",
        # analytics
        "_ga",
        "_gl",
        "ocid",  # MSN
        "cmpid",
        "icid",
        "s_cid",  # Adobe
        "wt.mc_id",  # Webtrends
        "xtor",  # AT Internet (French publishers)
        "at_medium",  # AT Internet (BBC)
        "at_campaign",
        "ns_mchannel",  # comScore (BBC)
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "cmp",  # the Guardian's ?CMP=share_btn_tw
        "smid",  # New York Times share ids
        "smtyp",
        # referrers
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
    }
)
#: Parameter families: Google Analytics (utm_), Matomo/Piwik (pk_, mtm_), HubSpot ads (hsa_).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

#: Host prefixes of AMP and mobile editions of the same site.
VARIANT_HOST_PREFIXES = ("amp.", "m.", "mobile.")
# Second-level labels of country suffixes (co.uk, com.au, or.kr, ne.jp, …): "m.co.uk" would
# fold to a public suffix, not a site.
_SECOND_LEVEL_LABELS = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "or", "ne", "go"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MAX_ROUNDS = 5


# A crawl asks for the same few URLs' forms many times per article (request, response,
# canonical link, seen-store keys): a small cache of recent answers is most of the win.
@functools.lru_cache(maxsize=8192)
def canonicalize_url(url: str) -> str:
    """Canonical form of an absolute http(s) URL; ValueError for anything else."""
    # A stray "%" is read literally by servers; as "%25" it cannot pair with the digits that
    # w3lib decodes next to it ("%a%61" -> "%aa" would name a different byte).
    canonical = _canonicalize_once(_STRAY_PERCENT.sub("%25", url.strip()))
    # One step can expose work for another (stripping "/amp/" or a trailing slash can bare a
    # dot segment or an empty ";" parameter that w3lib then removes): repeat to a fixed point,
    # which is what makes the function idempotent.
    for _ in range(_MAX_ROUNDS):
        again = _canonicalize_once(canonical)
        if again == canonical:
            break
        canonical = again
    return canonical


@functools.lru_cache(maxsize=8192)
def url_key(url: str) -> str:
    """Compact key for seen-stores: the first 32 hex digits of the canonical URL's SHA-256."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:32]


def _canonicalize_once(url: str) -> str:
    try:
        parts = urlsplit(w3lib_canonicalize_url(url))
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")

    host = _fold_variant_host(parts.hostname.rstrip("."))
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{host}"

    path = "/".join(s for s in parts.path.split("/") if s != "amp").rstrip("/") or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_noise_parameter(p))
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _fold_variant_host(host: str) -> str:
    """``m.``/``mobile.``/``amp.`` host → the bare host, unless that leaves only a suffix."""
    folded = True
    while folded:
        folded = False
        for prefix in VARIANT_HOST_PREFIXES:
            rest = host.removeprefix(prefix)
            if rest != host and _is_site(rest):
                host, folded = rest, True
    return host


def _is_site(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    return not (len(labels) == 2 and labels[0] in _SECOND_LEVEL_LABELS and len(labels[1]) == 2)


def _is_noise_parameter(pair: str) -> bool:
    """Tracking parameters, and the AMP switches (``amp=1``, ``outputType=amp``)."""
    raw_name, _, raw_value = pair.partition("=")
    name = unquote_plus(raw_name).lower()
    if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
        return True
    value = unquote_plus(raw_value).lower()
    if name == "amp":
        return value in ("", "1", "true")
    return name == "outputtype" and value == "amp"
