"""The ``indicators`` command: fetch, add, remove, build, info, diff, serve, export."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indicators.contract.paths import DataDir, default_data_dir


def _data(args: argparse.Namespace) -> DataDir:
    return DataDir(Path(args.data_dir).resolve()) if args.data_dir else default_data_dir()


def _raw_command(name: str, run: Callable[[], Any]) -> int:
    """Run a raw-folder command; its errors are one line, and nothing changed."""
    from indicators.etl.lock import Busy
    from indicators.etl.raw import RawError

    try:
        run()
    except (RawError, Busy) as exc:
        print(f"indicators {name}: {exc}", file=sys.stderr)
        print(f"indicators {name}: data/raw was left as it was", file=sys.stderr)
        return 2
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from indicators.etl.fetch import fetch

    data = _data(args)
    code = _raw_command(
        "fetch",
        lambda: fetch(
            data, from_dir=args.from_dir, base_url=args.mirror_url, only=args.only, wait=args.wait
        ),
    )
    if code == 0:
        print(f"fetched into {data.raw} (manifest: {data.raw / 'manifest.json'})")
    return code


def cmd_add(args: argparse.Namespace) -> int:
    from indicators.etl.fetch import add

    data = _data(args)
    code = _raw_command(
        "add", lambda: add(data, args.targets, edition=args.edition, wait=args.wait)
    )
    if code == 0:
        print(f"added to {data.raw}; run `indicators build` to publish")
    return code


def cmd_remove(args: argparse.Namespace) -> int:
    from indicators.etl.fetch import remove

    data = _data(args)
    code = _raw_command("remove", lambda: remove(data, args.editions, wait=args.wait))
    if code == 0:
        print(f"removed from {data.raw}; run `indicators build` to publish")
    return code


def cmd_build(args: argparse.Namespace) -> int:
    from indicators.etl import uptodate

    started = time.perf_counter()
    data = _data(args)
    if bool(args.accept) != bool(args.reason and args.reason.strip()):
        print(
            'indicators build: --accept SOURCE@EDITION and --reason "..." go together: say '
            "which edition is published despite the review, and why",
            file=sys.stderr,
        )
        return 2
    claims = uptodate.claim_files(args.claims, data.root)
    if not args.force and not args.accept and uptodate.is_current(data.root, claims):
        # Answered without loading pandas: the published build is of exactly these bytes.
        print("nothing changed since the last build; data/processed left as it is")
        print(f"done in {time.perf_counter() - started:.2f} s")
        return 0
    from indicators.etl.build import Acceptance, BuildError, build
    from indicators.etl.lock import Busy

    accept = None
    if args.accept:
        accept = Acceptance(tuple(args.accept), args.reason.strip(), args.by or _login())
    try:
        build(data, claims_path=args.claims, force=args.force, accept=accept, wait=args.wait)
    except BuildError as exc:
        print("indicators build: validation report", file=sys.stderr)
        for line in exc.report:
            print(f"  - {line}", file=sys.stderr)
        print(f"indicators build: {exc}; data/processed is unchanged", file=sys.stderr)
        for hint in exc.hints:
            print(f"indicators build: {hint}", file=sys.stderr)
        return 1
    except Busy as exc:
        print(f"indicators build: {exc}", file=sys.stderr)
        return 2
    print(f"done in {time.perf_counter() - started:.2f} s")
    return 0


def _login() -> str:
    """Who runs the command, for the record of an acceptance."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_info(args: argparse.Namespace) -> int:
    from indicators.etl.build import edition_rows, summary

    data = _data(args)
    rows = summary(data)
    if not rows:
        print(
            f"no processed tables in {data.processed}; run `indicators fetch` then "
            "`indicators build`"
        )
        return 1
    print("editions:")
    for ed in edition_rows(data):
        years = f"{ed['first_year']}-{ed['last_year']}" if pd_notna(ed.get("first_year")) else "-"
        print(f"  {ed['source']}@{ed['edition']}: {ed['title']}")
        print(f"      citation: {ed['citation']}")
        print(f"      file: {ed['path']} ({ed['bytes']:,} bytes), sha256 {ed['sha256']}")
        print(f"      retrieved: {ed['retrieved_at'] or 'not recorded'} from {ed['url'] or '-'}")
        print(f"      rows: {ed['rows']} in {ed['tables']}; years: {years}")
        if ed.get("accepted_by"):
            print(
                f"      accepted despite the release review by {ed['accepted_by']} at "
                f"{ed['accepted_at']}: {ed['accepted_reason']}"
            )
            for finding in str(ed.get("accepted_findings") or "").splitlines():
                print(f"        - {finding}")
    print("tables:")
    for row in rows:
        print(f"  {row['table']}: {row['rows']} rows, built {row.get('built_at')}")
        for key in ("sources", "years", "entities", "status"):
            if key in row:
                print(f"      {key}: {row[key]}")
    return 0


def pd_notna(value: Any) -> bool:
    return value is not None and value == value  # NaN and pd.NA are not equal to themselves


def cmd_diff(args: argparse.Namespace) -> int:
    from indicators.catalogue import queries
    from indicators.contract.store import TableCache
    from indicators.metrics import diff
    from indicators.outputs import tidy

    tables = TableCache(_data(args))
    try:
        req = diff.request(tables, args.source, args.old, args.new, args.table)
        result = diff.restrict(diff.run(tables, req), args.year or (), args.kind, tables)
    except diff.DiffError as exc:
        print(f"indicators diff: {exc}", file=sys.stderr)
        return 2
    if args.out:
        try:
            text = tidy.diff_csv(tables, result, req.old_key, req.new_key)
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"indicators diff: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
            return 2
    summary = diff.summarise(
        result,
        req.source,
        diff.edition_title(tables, req.old_key),
        diff.edition_title(tables, req.new_key),
        queries.names(tables),
        top=args.top,
        at_least=args.min_change,
    )
    print("\n".join(diff.text_lines(summary)))
    if args.out:
        print(f"\nwrote {len(result):,} rows to {args.out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    if args.data_dir:
        os.environ["INDICATORS_DATA"] = str(Path(args.data_dir).resolve())
    app_dir = Path(args.app_dir).resolve() if args.app_dir else Path.cwd()
    if not (app_dir / "app.py").exists():
        print(
            f"indicators serve: no app.py in {app_dir}; run it from the repository root or "
            "pass --app-dir",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(app_dir))
    os.chdir(app_dir)
    import app  # the repository's thin Dash shell

    print(f"serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)")
    app.app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from indicators.contract.store import TableCache, build_record
    from indicators.outputs import office, pack
    from indicators.outputs.render import RenderError

    data = _data(args)
    tables = TableCache(data)
    if args.list:
        print(pack.describe_catalogue(tables))
        return 0
    if not args.spec or not args.out:
        print("indicators export: give a SPEC file and --out DIR (or --list)", file=sys.stderr)
        return 2
    if not data.processed.exists():
        print(
            f"indicators export: no processed data in {data.processed}; run `indicators "
            "fetch` then `indicators build`",
            file=sys.stderr,
        )
        return 2
    formats = tuple(f.strip() for f in args.format.split(",")) if args.format else None
    try:
        spec = pack.load_spec(args.spec)
        if formats and any(f not in pack.FORMATS for f in formats):
            raise pack.SpecError(f"--format {args.format!r}: choose among {list(pack.FORMATS)}")
        try:
            options = office.template_options(args.template or [], args.caption)
        except ValueError as exc:
            raise pack.SpecError(str(exc)) from exc
        record = build_record(data) or {}
        manifest = pack.export_pack(
            spec,
            tables,
            args.out,
            formats=formats,
            size=args.size,
            make_zip=args.zip,
            data_built_at=record.get("built_at"),
            force=args.force,
            options=options,
            claims=args.claims,
        )
    except (pack.SpecError, RenderError) as exc:
        print(f"indicators export: {exc}", file=sys.stderr)
        print("indicators export: nothing was written", file=sys.stderr)
        return 1
    count = len(manifest["figures"])
    print(f"wrote {count} figure{'s' if count != 1 else ''} to {args.out} (manifest.json)")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    top = argparse.ArgumentParser(
        prog="indicators",
        description="Rebuild, check and chart the digital-divide indicators the reports cite.",
    )
    top.add_argument("--data-dir", help="data folder (default: $INDICATORS_DATA or ./data)")
    wait_help = (
        "how long fetch, add, remove and build wait for another command to finish with the "
        "data folder (default: $INDICATORS_WAIT or 60)"
    )
    top.add_argument("--wait", type=float, metavar="SECONDS", help=wait_help)
    # Also after the command's name (`indicators add FILE --wait 120`), where people put it.
    writer = argparse.ArgumentParser(add_help=False)
    writer.add_argument(
        "--wait", type=float, metavar="SECONDS", default=argparse.SUPPRESS, help=wait_help
    )
    sub = top.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser(
        "fetch", help="download the publishers' files into data/raw", parents=[writer]
    )
    fetch.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        help="copy the files from this local folder instead of downloading",
    )
    fetch.add_argument(
        "--mirror-url",
        help="download from this URL prefix instead of the publishers' (same relative paths)",
    )
    fetch.add_argument("--only", nargs="+", help="sources to download (wdi, itu_prices, ...)")
    fetch.set_defaults(func=cmd_fetch)

    add = sub.add_parser(
        "add", help="add publisher files (paths or URLs) as new editions", parents=[writer]
    )
    add.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    add.add_argument(
        "--edition", help="YYYY-MM, for a file whose edition cannot be read from its content"
    )
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", help="drop editions from data/raw", parents=[writer])
    remove.add_argument("editions", nargs="+", metavar="SOURCE@EDITION")
    remove.set_defaults(func=cmd_remove)

    build = sub.add_parser(
        "build", help="turn data/raw into validated data/processed/*.parquet", parents=[writer]
    )
    build.add_argument(
        "--claims",
        type=Path,
        help="a report file (YAML) or a folder of them (default: the shipped reports and any "
        "in data/claims/)",
    )
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument(
        "--accept",
        action="append",
        metavar="SOURCE@EDITION",
        help="publish this edition despite the release review's findings (repeatable; needs "
        "--reason); who, when and why are recorded in the manifest and editions.parquet",
    )
    build.add_argument("--reason", help="why the accepted edition is right, in your words")
    build.add_argument("--by", help="who accepts (default: your login name)")
    build.set_defaults(func=cmd_build)

    info = sub.add_parser("info", help="list every edition of every source, and the tables")
    info.set_defaults(func=cmd_info)

    dif = sub.add_parser("diff", help="compare two editions of a source, value by value")
    dif.add_argument("source", help="source, e.g. wdi or itu_aggregates")
    dif.add_argument("old", help="older edition: 2026-02 or wdi@2026-02")
    dif.add_argument("new", help="newer edition: 2026-07 or wdi@2026-07")
    dif.add_argument("--table", help="compare one table only (default: every table of the source)")
    dif.add_argument("--out", type=Path, help="write every compared value to this CSV file")
    dif.add_argument("--year", type=int, action="append", help="only this year (repeatable)")
    dif.add_argument("--kind", choices=["economy", "group"], help="only economies or groups")
    dif.add_argument("--top", type=int, default=10, help="largest revisions listed (default 10)")
    dif.add_argument(
        "--min-change", type=float, help="list every revision at least this large instead"
    )
    dif.set_defaults(func=cmd_diff)

    serve = sub.add_parser("serve", help="start the dashboard on localhost")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (off by default)")
    serve.add_argument("--app-dir", help="folder holding app.py (default: current folder)")
    serve.set_defaults(func=cmd_serve)

    exp = sub.add_parser("export", help="write a report's figure pack from a spec file")
    exp.add_argument("spec", nargs="?", type=Path, help="report spec (YAML or TOML)")
    exp.add_argument(
        "--out",
        type=Path,
        help="output folder; only the pack's own files in it are replaced, once all are written",
    )
    exp.add_argument(
        "--force",
        action="store_true",
        help="write into a folder holding other files (still replacing only the pack's own)",
    )
    exp.add_argument(
        "--format",
        help="comma-separated formats: png,svg,pdf,csv,docx,pptx (default: png,svg,pdf,csv)",
    )
    exp.add_argument(
        "--size", help="size for all figures: column, page, slide or WIDTHxHEIGHT in px"
    )
    exp.add_argument("--zip", action="store_true", help="also write one zip of the pack")
    exp.add_argument(
        "--claims",
        nargs="?",
        const="",
        metavar="REPORT",
        help="also write the report's claims checked against the data (SPEC-claims.docx and "
        ".xlsx, and an annex to SPEC.docx); REPORT is its symbol (default: the spec's 'claims')",
    )
    exp.add_argument(
        "--caption",
        choices=["above", "below"],
        default="above",
        help="Word: figure titles above the figures (UN and ITU style, the default) or below",
    )
    exp.add_argument(
        "--template",
        type=Path,
        action="append",
        help="an organisation's Word (.docx, .dotx) or PowerPoint (.pptx, .potx) template; "
        "give both to style both",
    )
    exp.add_argument("--list", action="store_true", help="list chart ids and their parameters")
    exp.set_defaults(func=cmd_export)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``indicators`` console script."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print(
            f"indicators {args.command}: interrupted; nothing half-written was kept",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:
        # A disk, permission or network problem outside the files the commands check.
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"indicators {args.command}:{where} {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
