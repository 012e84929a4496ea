"""The central store's command line: import, export, demo, officer, device, serve, report.

Each command is a thin wrapper: parse arguments, call a keyword-only function of the module
that does the work, print its summary. Exit status 0 on success, 2 on bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app.domain.case_actions import LATE_WORK_DAYS

#: The longest a council may let a former officer's late contacts and I&Es in.
MAX_LATE_WORK_DAYS = 90


def _late_work_days(text: str) -> int:
    """``--late-work-days``: a whole number of days, 0 to :data:`MAX_LATE_WORK_DAYS`."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= MAX_LATE_WORK_DAYS:
        raise argparse.ArgumentTypeError(
            f"{days} is out of range: give 0 to {MAX_LATE_WORK_DAYS} days"
        )
    return days


def _cursor(text: str) -> int:
    """``--since``: what the last export printed, a whole number from 0."""
    from central.export import parse_cursor

    try:
        return parse_cursor(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m central",
        description="Doorstep central store. The store is DOORSTEP_CENTRAL_URL "
        "(postgresql+psycopg://... or sqlite:///...); without it, an SQLite file under "
        "the user's data directory.",
    )
    parser.add_argument("--url", help="central store URL (overrides DOORSTEP_CENTRAL_URL)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import an HMS export folder (one transaction)")
    p.add_argument("directory", help="folder holding tenancies.csv, tenants.csv, ...")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = sub.add_parser(
        "export", help="write what officers recorded since a cursor, for the HMS (CSV files)"
    )
    p.add_argument(
        "--since",
        required=True,
        type=_cursor,
        metavar="CURSOR",
        help="the cursor the last export printed; 0 for everything",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="a new (or empty) folder to write the files into",
    )
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")

    p = sub.add_parser("demo", help="write a synthetic council as an HMS export")
    p.add_argument("--tenancies", type=int, default=1500)
    p.add_argument("--officers", type=int, default=6)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="folder to write the export into")

    p = sub.add_parser("officer", help="manage officer accounts")
    osub = p.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    add = osub.add_parser("add", help="add an officer, or set the password of an imported one")
    add.add_argument("username")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-file", help="read the password from this file (first line)")
    osub.add_parser("list", help="list officers")
    act = osub.add_parser("disable", help="stop an officer signing in; their laptops stop syncing")
    act.add_argument("username")
    act = osub.add_parser("enable", help="let a disabled officer sign in again")
    act.add_argument("username")
    act = osub.add_parser(
        "reset-password", help="set a new password; every laptop of theirs signs in again"
    )
    act.add_argument("username")
    act.add_argument("--password-file", help="read the password from this file (first line)")

    p = sub.add_parser("device", help="manage enrolled laptops")
    dsub = p.add_subparsers(dest="device_command", required=True, metavar="ACTION")
    dlist = dsub.add_parser("list", help="every device, by officer then enrolment")
    dlist.add_argument("--format", choices=["text", "csv"], default="text")
    act = dsub.add_parser("revoke", help="the device can no longer sync or sign in")
    act.add_argument("device_id")
    act = dsub.add_parser("wipe", help="tell the device to erase its data at its next contact")
    act.add_argument("device_id")

    p = sub.add_parser("serve", help="run the sync service (FastAPI)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--certfile", help="TLS certificate (PEM): serve HTTPS; needs --keyfile")
    p.add_argument("--keyfile", help="the certificate's private key (PEM); needs --certfile")
    p.add_argument(
        "--late-work-days",
        type=_late_work_days,
        default=LATE_WORK_DAYS,
        metavar="DAYS",
        help="how long after a case leaves an officer the contacts and I&Es they recorded "
        f"while they held it are still taken (0-{MAX_LATE_WORK_DAYS}; default {LATE_WORK_DAYS})",
    )

    p = sub.add_parser("report", help="reports")
    rsub = p.add_subparsers(dest="report", required=True, metavar="REPORT")
    bal = rsub.add_parser("balances", help="tenancy_ref,balance_pence for every tenancy, sorted")
    bal.add_argument("--format", choices=["csv"], default="csv")
    return parser


def log_security_to_stderr() -> None:
    """IT commands write their security-log line (ids only) to stderr, as the service does."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "import":
        from central.importer import import_command

        return import_command(url=args.url, directory=args.directory, quiet=args.quiet)
    if args.command == "export":
        from central.export import export_command

        return export_command(url=args.url, since=args.since, out=args.out, quiet=args.quiet)
    if args.command == "demo":
        from central.demo import demo_command

        return demo_command(
            tenancies=args.tenancies, officers=args.officers, seed=args.seed, out=args.out
        )
    if args.command in ("officer", "device"):
        log_security_to_stderr()
    if args.command == "device":
        from central.devices import device_command

        return device_command(
            url=args.url,
            action=args.device_command,
            device_id=getattr(args, "device_id", None),
            fmt=getattr(args, "format", "text"),
        )
    if args.command == "officer":
        from central.officers import officer_command

        return officer_command(
            url=args.url,
            action=args.officer_command,
            username=getattr(args, "username", None),
            display_name=getattr(args, "display_name", ""),
            password_file=getattr(args, "password_file", None),
        )
    if args.command == "serve":
        from central.api import serve

        return serve(
            url=args.url,
            host=args.host,
            port=args.port,
            certfile=args.certfile,
            keyfile=args.keyfile,
            late_work_days=args.late_work_days,
        )
    if args.command == "report":
        from central.reports import balances_command

        return balances_command(url=args.url, out=sys.stdout)
    return 2
