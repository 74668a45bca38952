"""Page content from the model: plain data (site path -> HTML), no MkDocs types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from generator import urls
from generator.pages import feeds  # a module import: feeds imports generator.pages in turn
from generator.cache import BlobCache, compiled_templates
from generator.consent.ledger import Ledger
from generator.diffs.change import Change
from generator.diffs.lineage import ClauseHistory
from generator.history.editions import Edition
from generator.history.renames import FormerId
from generator.history.versions import AgreementHistory
from generator.model import Charter
from generator.pages.agreement import agreement_page
from generator.pages.api import schema_assets
from generator.pages.asof import as_of_pages
from generator.pages.changes import changes_page, renewals_page
from generator.pages.clauses import clauses_page
from generator.pages.composite import composite_page
from generator.pages.consent import consent_page, party_consent_pages
from generator.pages.editions import editions_pages
from generator.pages.history import history_page, version_pages
from generator.pages.home import home_html
from generator.pages.redirects import agreement_redirects, feed_copies, redirect_assets
from generator.pages.indexes import (
    all_agreements_page,
    level_page,
    parties_index_page,
    party_pages,
    status_page,
    theme_pages,
    themes_index_page,
)
from generator.pages.render import SiteContext, template_environment
from generator.pages.site import (Asset, Chrome, Keyed, Page, Site, TocEntry, indexed_html, readers_html,
                                  relative_url)
from generator.settings import Settings
from generator.source.citations import citations

__all__ = ["Asset", "Chrome", "Keyed", "Page", "Site", "TocEntry", "build_site", "indexed_html",
           "readers_html", "relative_url"]


def build_site(charter: Charter, settings: Settings, as_of: dt.date, *,
               histories: Mapping[str, AgreementHistory] | None = None,
               diffs: Mapping[str, Sequence[Change]] | None = None, editions: Sequence[Edition] = (),
               ledger: Ledger | None = None, former_ids: Sequence[FormerId] = (),
               clause_histories: Mapping[str, Mapping[str, ClauseHistory]] | None = None,
               cache: BlobCache | None = None) -> Site:
    """Every page from the stages before: nothing here reads git, opens a cache or picks a date.

    `former_ids` leave a redirect at each address an agreement had under an id it no longer has."""
    histories = histories or {}
    environment = template_environment(settings.templates_dir,
                                       compiled=compiled_templates(cache.directory if cache else None, "pages"))
    context = SiteContext(charter, environment, as_of, settings.trusted_html,
                          histories, diffs or {}, charter.files, ledger, clause_histories or {},
                          citations(charter), editions[-1] if editions else None, cache)
    pages = [
        composite_page(context),
        all_agreements_page(context),
        status_page(context),
        level_page(context),
        themes_index_page(context),
        *theme_pages(context),
        parties_index_page(context),
        *party_pages(context),
        *(agreement_page(context, agreement) for agreement in charter.agreements),
        changes_page(context),
        renewals_page(context),
        consent_page(context, settings.consent),
        *party_consent_pages(context),
    ]
    for agreement in charter.agreements:
        history = histories.get(agreement.id)
        if history is not None and history.versions:
            pages.append(history_page(context, agreement, history))
            pages.extend(version_pages(context, agreement, history))
            if agreement.id in context.clause_histories:
                pages.append(clauses_page(context, agreement))
    pages.extend(editions_pages(context, editions))
    dated, index = as_of_pages(context, editions)
    pages.extend(dated)
    assets = (*feeds.build_feeds(charter, histories, as_of, site_url=settings.site_url,
                                 feed_id=settings.feed_id, cache=cache),
              *schema_assets(charter, settings.extra_fields, settings.site_url), index,
              *(Asset(url, source=settings.root / path) for path, url in charter.files.attachments.items()))
    taken = {asset.path for asset in assets} | {f"{page.url}index.html" for page in pages}
    titles = {page.url: page.title for page in pages}
    counts = {agreement_id: len(history.versions) for agreement_id, history in histories.items()}
    redirects = agreement_redirects(former_ids, titles, counts)
    assets += (*redirect_assets(redirects, titles, taken, settings.site_url),
               *feed_copies(redirects, assets, urls.FEED, taken))
    return Site(tuple(pages), assets=assets, home_html=home_html(context),
                versions=sum(len(history.versions) for history in histories.values()))
