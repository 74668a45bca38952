"""Machine-readable files under the site's api/ folder: the JSON Schemas that editors validate against."""

from __future__ import annotations

import json
from collections.abc import Collection

from generator import urls
from generator.checks.schema import schemas
from generator.model import Charter
from generator.pages.site import Asset



def schema_assets(charter: Charter, extra_fields: Collection[str], site_url: str | None) -> tuple[Asset, ...]:
    """Each schema as a file; with a site_url its `$id` is its published address, for `$schema=` lines."""
    assets = []
    for name, schema in schemas(charter, extra_fields).items():
        path = urls.api_file(name)
        identity = {"$id": f"{site_url.rstrip('/')}/{path}"} if site_url else {}
        text = json.dumps({"$schema": schema["$schema"], **identity, **schema}, indent=2, ensure_ascii=False)
        assets.append(Asset(path, (text + "\n").encode("utf-8")))
    return tuple(assets)
