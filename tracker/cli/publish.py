"""`tracker publish`: the static accountability site, for readers who never open a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import click

from tracker.cli.app import App, global_options, pass_app, text_option, today_option
from tracker.errors import UsageError

URL = re.compile(r"https?://[^\s<>\"']+")


@click.command()
@click.argument("folder", metavar="DIR", required=False)
@click.option("--base-url", metavar="URL", help="Where the site will be served (https://...); feed links become absolute. Default: [publish] base_url.")
@global_options
@today_option
@pass_app
def publish(app: App, folder: str | None, base_url: str | None) -> None:
    """Write a static site: index, a page per pledge and review, open data (CSV, JSON, iCalendar) and an Atom feed."""
    from tracker.service.publish import publish as write_site

    settings = app.workspace.settings
    target = folder or settings.publish_dir
    if not target:
        raise UsageError("DIR: required: the folder to write the site into (or set [publish] dir in tracker.toml)")
    url = text_option(base_url, "--base-url", 500) or settings.publish_base_url
    if url is not None and not URL.fullmatch(url):
        raise UsageError(f"--base-url: expected an http(s) URL such as https://example.org/pledges/, got {url!r}")
    path = Path(target) if Path(target).is_absolute() or folder else app.workspace.root / target
    site = write_site(app.db(), app.workspace, app.today, path, url)
    pages = sum(p.suffix == ".html" for p in site.written)
    click.echo(f"published {path}: {pages} pages, {len(site.written) - pages} data and feed files"
               + (f"; removed {len(site.removed)} stale page(s)" if site.removed else ""))
