"""Static redirect pages at the addresses an agreement had under a former id, as mkdocs-redirects
writes them: a canonical link, a meta refresh, a script that keeps the `#fragment`, and a visible link.

They are assets, not pages: MkDocs copies an `.html` file as it is, so a redirect never enters the
search index, the sitemap or the navigation. That plugin itself is not used: it takes its redirects
from `mkdocs.yml`, and these come from the history of each build.

A feed reader follows no HTML redirect, so an agreement's feed is also published, the same bytes, at
its old address (its links lead from the site's root, so they work from either).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence

from generator import urls
from generator.history.renames import FormerId
from generator.pages.history import json_for_script
from generator.pages.site import Asset, relative_url

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting to {title}</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<script>location.replace({target} + location.hash)</script>
<meta http-equiv="refresh" content="0; url={href}">
</head>
<body>
<p>This agreement has a new address: <a href="{href}">{title}</a>.</p>
</body>
</html>
"""


def agreement_redirects(formers: Sequence[FormerId], page_urls: Collection[str],
                        versions: Mapping[str, int]) -> dict[str, str]:
    """Old site path -> new, for every page of each renamed agreement (its page, history, clauses...)
    under its former id, except the version pages that came after it (`versions`: agreement id -> how
    many it has): those never had an address under the former id."""
    paths: dict[str, str] = {}
    for former in formers:
        old, new = urls.agreement(former.former), urls.agreement(former.current)
        later = {urls.version(former.current, number)
                 for number in range(former.versions + 1, versions.get(former.current, 0) + 1)}
        for url in page_urls:
            if url.startswith(new) and url not in later:
                paths[old + url.removeprefix(new)] = url
    return paths


def redirect_html(old: str, new: str, title: str, site_url: str | None) -> str:
    """The page at site path `old` that sends the reader on to `new`, relatively, so the site works under
    any base path (absolutely in the canonical link, when `site_url` is known)."""
    href = relative_url(old, new)
    canonical = f"{site_url.rstrip('/')}/{new}" if site_url else href
    return TEMPLATE.format(title=html.escape(title), canonical=html.escape(canonical), href=html.escape(href),
                           target=json_for_script(href))


def redirect_assets(redirects: Mapping[str, str], titles: Mapping[str, str], taken: Collection[str],
                    site_url: str | None) -> tuple[Asset, ...]:
    """A redirect for each old path whose new page exists (`titles`: site path -> page title) and that no
    page or file of the site occupies (`taken`: site paths of every output)."""
    assets = []
    for old, new in sorted(redirects.items()):
        path = f"{old}index.html"
        if new in titles and old not in titles and path not in taken:
            assets.append(Asset(path, redirect_html(old, new, titles[new], site_url).encode("utf-8")))
    return tuple(assets)


def feed_copies(redirects: Mapping[str, str], assets: Sequence[Asset], feed_name: str,
                taken: Collection[str]) -> tuple[Asset, ...]:
    """The feed of each agreement page in `redirects`, at the old page's address too."""
    feeds = {asset.path: asset for asset in assets if asset.path.endswith(f"/{feed_name}")}
    copies = []
    for old, new in sorted(redirects.items()):
        feed = feeds.get(f"{new}{feed_name}")
        if feed is not None and f"{old}{feed_name}" not in taken:
            copies.append(Asset(f"{old}{feed_name}", feed.content))
    return tuple(copies)
