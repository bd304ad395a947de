"""`tracker publish`: the static accountability site, for readers who never open a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.app import App, global_options, pass_app, text_option, today_option
from tracker.errors import UsageError


@click.command()
@click.argument("folder", metavar="DIR", required=False)
@click.option("--base-url", metavar="URL", help="Where the site will be served (https://...); feed links become absolute. Default: [publish] base_url.")
@global_options
@today_option
@pass_app
def publish(app: App, folder: str | None, base_url: str | None) -> None:
    """Write a static site: index, a page per pledge and review, open data (CSV, JSON, iCalendar) and an Atom feed."""
    from tracker.service.publish import publish as write_site
    from tracker.workspace import BASE_URL

    settings = app.workspace.settings
    path = Path(folder) if folder else settings.publish_folder(app.workspace.root)
    if path is None:
        raise UsageError("DIR: required: the folder to write the site into (or set [publish] dir in tracker.toml)")
    url = text_option(base_url, "--base-url", 500) or settings.publish_base_url
    if url is not None and not BASE_URL.fullmatch(url):
        raise UsageError(f"--base-url: expected an http(s) URL such as https://example.org/pledges/, got {url!r}")
    site = write_site(app.db(), app.workspace, app.today, path, url)
    pages = sum(p.suffix == ".html" for p in site.written)
    click.echo(f"published {path}: {pages} pages, {len(site.written) - pages} data and feed files"
               + (f"; removed {len(site.removed)} stale page(s)" if site.removed else ""))
