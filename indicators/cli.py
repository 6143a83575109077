"""The ``indicators`` command: fetch, build, info, serve, export."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indicators.store import DataDir, default_data_dir


def _data(args: argparse.Namespace) -> DataDir:
    return DataDir(Path(args.data_dir).resolve()) if args.data_dir else default_data_dir()


def cmd_fetch(args: argparse.Namespace) -> int:
    from indicators.fetch import FetchError, fetch

    data = _data(args)
    try:
        fetch(data, from_dir=args.from_dir, base_url=args.mirror_url, only=args.only)
    except FetchError as exc:
        print(f"indicators fetch: {exc}", file=sys.stderr)
        return 2
    print(f"fetched into {data.raw} (manifest: {data.raw / 'manifest.json'})")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from indicators.build import BuildError, build

    started = time.perf_counter()
    try:
        build(_data(args), claims_path=args.claims, force=args.force)
    except BuildError as exc:
        print("indicators build: validation report", file=sys.stderr)
        for line in exc.report:
            print(f"  - {line}", file=sys.stderr)
        print(f"indicators build: {exc}; data/processed is unchanged", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from indicators.build import summary

    data = _data(args)
    rows = summary(data)
    if not rows:
        print(
            f"no processed tables in {data.processed}; run `indicators fetch` then "
            "`indicators build`"
        )
        return 1
    for row in rows:
        print(f"{row['table']}: {row['rows']} rows, built {row.get('built_at')}")
        for key in ("sources", "years", "entities", "status"):
            if key in row:
                print(f"    {key}: {row[key]}")
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
    from indicators import pack
    from indicators.render import RenderError
    from indicators.store import TableCache, build_record

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
        record = build_record(data) or {}
        manifest = pack.export_pack(
            spec,
            tables,
            args.out,
            formats=formats,
            size=args.size,
            make_zip=args.zip,
            data_built_at=record.get("built_at"),
        )
    except (pack.SpecError, RenderError) as exc:
        print(f"indicators export: {exc}", file=sys.stderr)
        print("indicators export: nothing was written", file=sys.stderr)
        return 1
    print(f"wrote {len(manifest['figures'])} figures to {args.out} (manifest.json)")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    top = argparse.ArgumentParser(
        prog="indicators",
        description="Rebuild, check and chart the digital-divide indicators the reports cite.",
    )
    top.add_argument("--data-dir", help="data folder (default: $INDICATORS_DATA or ./data)")
    sub = top.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch", help="download the publishers' files into data/raw")
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
    fetch.add_argument("--only", nargs="+", help="file keys or sources to fetch")
    fetch.set_defaults(func=cmd_fetch)

    build = sub.add_parser("build", help="turn data/raw into validated data/processed/*.parquet")
    build.add_argument("--claims", type=Path, help="claims CSV (default: the shipped one)")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.set_defaults(func=cmd_build)

    info = sub.add_parser("info", help="list the processed tables")
    info.set_defaults(func=cmd_info)

    serve = sub.add_parser("serve", help="start the dashboard on localhost")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (off by default)")
    serve.add_argument("--app-dir", help="folder holding app.py (default: current folder)")
    serve.set_defaults(func=cmd_serve)

    exp = sub.add_parser("export", help="write a report's figure pack from a spec file")
    exp.add_argument("spec", nargs="?", type=Path, help="report spec (YAML or TOML)")
    exp.add_argument("--out", type=Path, help="output folder (replaced when the pack is complete)")
    exp.add_argument(
        "--format",
        help="comma-separated formats: png,svg,pdf,csv,docx,pptx (default: png,svg,pdf,csv)",
    )
    exp.add_argument(
        "--size", help="size for all figures: column, page, slide or WIDTHxHEIGHT in px"
    )
    exp.add_argument("--zip", action="store_true", help="also write one zip of the pack")
    exp.add_argument("--list", action="store_true", help="list chart ids and their parameters")
    exp.set_defaults(func=cmd_export)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``indicators`` console script."""
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
