"""`analyzer formats`: the input formats, each with a description and an example."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from analyzer.cli import console
from analyzer.cli.options import format_option

LISTING_FORMATS = ("text", "json")
FormatOpt = Annotated[str, format_option("formats", LISTING_FORMATS,
                                         "Output: text (the default) or json.")]


@console.command
def formats_command(output_format: FormatOpt = "text") -> None:
    """List the input formats `scan --input-format` accepts (all are auto-detected), each with
    a one-line description and an example."""
    from analyzer.ingest import FORMATS

    output_format = console.choice("--format", output_format, LISTING_FORMATS)
    listing = [{"name": fmt.name, "description": fmt.description, "example": fmt.example}
               for fmt in FORMATS.values()]
    if output_format == "json":
        typer.echo(json.dumps({"version": 1, "formats": listing}, ensure_ascii=False,
                              indent=2))
        return
    width = max(len(item["name"]) for item in listing)
    for item in listing:
        typer.echo(f"{item['name']:<{width}}  {item['description']}")
        for line in item["example"].splitlines():
            typer.echo(f"{'':<{width}}    {line}")
