"""`tracker import iati` and `tracker export iati`: an agency's IATI 2.03 results in, a pledge's results out."""

from __future__ import annotations

import re
from pathlib import Path

import click

from tracker.cli.app import App, emit_json, global_options, pass_app, text_option, today_option
from tracker.errors import UsageError


@click.command("iati")
@click.argument("xml_file", metavar="FILE.xml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--activity", metavar="IDENTIFIER", help="The iati-identifier of the activity to import (needed when the file holds several).")
@click.option("--id", "pledge_id", metavar="PLEDGE_ID", help="Id of the new pledge (default: derived from the iati-identifier).")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@global_options
@today_option
@pass_app
def import_iati(app: App, xml_file: Path, activity: str | None, pledge_id: str | None, as_json: bool) -> None:
    """Create a pledge from an IATI 2.03 activity: its result indicators, baselines, targets and actuals."""
    from tracker.interop.iati_import import to_pledge
    from tracker.interop.iati_save import save
    from tracker.interop.iati_xml import choose_activity, read_activities

    today = app.today
    chosen = choose_activity(read_activities(xml_file), text_option(activity, "--activity", 500), xml_file.name)
    imported = to_pledge(chosen, xml_file.name, text_option(pledge_id, "--id", 80), today)
    path = save(app.db(), app.workspace.pledges_dir, imported, xml_file.name, today, app.author, app.entered_at)
    if as_json:
        emit_json({"id": imported.pledge_id, "path": str(path), "iati_identifier": imported.identifier,
                   "indicators": imported.indicators, "readings": len(imported.readings), "warnings": imported.warnings})
        return
    for warning in imported.warnings:
        click.secho(f"warning: {warning}", err=True, fg="yellow")
    from tracker.render.words import plural

    click.echo(f"imported {imported.pledge_id} from {xml_file.name}: {plural(imported.indicators, 'indicator')}, "
               f"{plural(len(imported.readings), 'reading')} -> {path.parent.name}/{path.name}")


@click.command("iati")
@click.argument("pledge_id", metavar="ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the XML to FILE (atomically) instead of stdout.")
@click.option("--org-ref", metavar="REF", help="IATI organisation identifier of the owner as reporting-org, e.g. XM-DAC-41122.")
@click.option("--org-type", metavar="CODE", help="IATI OrganisationType code of the owner, e.g. 10 (government), 40 (multilateral).")
@click.option("--identifier", metavar="IATI_ID", help="The iati-identifier (default: REF-ID with --org-ref, else the pledge id).")
@click.option("--result-type", type=click.Choice(["output", "outcome", "impact", "other"]), default="other", show_default=True,
              help="IATI ResultType of the result holding the indicators.")
@click.option("--lang", default="en", show_default=True, metavar="CODE", help="ISO 639-1 language of the pledge's text (xml:lang).")
@global_options
@today_option
@pass_app
def export_iati(
    app: App, pledge_id: str, output: Path | None, org_ref: str | None, org_type: str | None, identifier: str | None,
    result_type: str, lang: str,
) -> None:
    """Write a pledge as an IATI 2.03 activity: indicators with baseline, target and readings as period actuals."""
    from datetime import UTC, datetime

    from tracker.files import atomic_write
    from tracker.interop import iati_export
    from tracker.pledges.models import Pledge
    from tracker.store import core, queries

    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang):
        raise UsageError(f"--lang: expected a language code such as en or km, got {lang!r}")
    options = iati_export.ExportOptions(
        org_ref=text_option(org_ref, "--org-ref", 200) or "", org_type=text_option(org_type, "--org-type", 20) or "",
        identifier=text_option(identifier, "--identifier", 500) or None, result_type=result_type, lang=lang,
    )
    db, today = app.db(), app.today
    row = core.require_pledge(db, pledge_id)
    pledge = Pledge.model_validate(core.definition(row))
    readings = {i.id: queries.readings_of(db, pledge_id, i.id, today) for i in pledge.indicators}
    status = queries.status_rows(db, today, pledge_id)[0]["reported_status"]
    text = iati_export.export_activity(pledge, readings, status, today, datetime.now(UTC), options)
    if not options.org_ref or not options.org_type:
        click.secho("warning: reporting-org has an empty @ref or @type (the pledge file does not know them); "
                    "pass --org-ref and --org-type before publishing", err=True, fg="yellow")
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(output, text)
    click.echo(f"wrote {output}")
