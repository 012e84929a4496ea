"""``python -m app``: the desktop client's command line (the GUI by default).

``python -m app [--data-dir DIR] [--server URL] [--allow-demo-key-file] [COMMAND]``

- no command: start the GUI (PySide6 is imported only then, so ``--help`` and the headless
  commands work on a machine with no display and no Qt);
- ``signin --server URL --user NAME [--password-file FILE]``: enrol this device;
- ``sync``: one sync cycle (push the changes made here, pull, check), with a one-line
  summary;
- ``status [--format text|json]``: cases, changes waiting to be sent (``pending_changes``),
  changes the central store refused (``refused_changes``), the last sync, and ``locked``
  (no window shows the caseload now: the window is locked, or none has it open);
- ``record --case REF --action CODE [--on DATE] [--until DATE] [--note-file F]``: a case
  action, through the same service as Record action… in the window;
- ``contact add --case REF [--on DATE] --how HOW --outcome OUTCOME [--promise POUNDS
  --promise-date DATE] [--follow-up DATE] [--note-file F]``: a contact with the household, with
  the promise to pay and the follow-up made during it (``app.domain.visits`` codes), through the
  same service as visit mode;
- ``followup add --case REF --due DATE --task TEXT`` and ``followup done --id ID [--cancel]``;
  ``referral add --case REF --to KIND [--on DATE] --why TEXT`` and ``referral outcome --id ID
  --outcome OUTCOME [--on DATE] [--note TEXT]``: the Contacts tab's records, by the same services;
- ``visits sheet --date DATE --cases REF,REF,... --out FILE.pdf [--order postcode|street|given]``:
  the day's visit sheet (one A4 page for about twelve cases), the cases with an officer-safety
  warning first, then by postcode (the default) or street, or in the order given;
- ``set-aside [--yes]``: a caseload that will not open (damaged, not Doorstep's, another key):
  why, and how many unsent changes it held; with ``--yes`` it moves into the quarantine folder,
  its key kept, so that the next sign-in downloads a new copy;
- ``report balances --format csv``: the balances of the caseload on this device;
- ``report worklist [--as-of DATE] [--format json|csv] [--policy FILE]``: every case with its
  next recommended action, computed from this laptop's data alone;
- ``calc KIND [FILE] [--format json|sfs]``: one calculation, JSON in and JSON out, touching no
  data (docs/calc.md; the kinds are registered in ``app.calc.KINDS``);
- ``guidelines import FILE``: the licensed SFS spending guidelines (CSV), all or nothing;
- ``ie export --case REF [--assessment ID] [--employment STATUS] [--out FILE]``: a finished
  I&E as an SFS v1.1 data-entry JSON document for debt advice (standard output by default);
  ``ie import FILE --case REF [--date YYYY-MM-DD]``: an adviser's SFS document as a new
  finished I&E of the case; ``ie summary --case REF --out FILE.pdf``: the two-page summary
  the tenant keeps.

Every failure is one clear line on stderr and exit status 1 (2 for bad usage), never a
traceback. ``--allow-demo-key-file`` is for the synthetic demo only: with no keyring, the key
and token go to files in the demo's data folder.

Threading: runs on the main thread; the GUI takes over the thread when started.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.calc import add_arguments as add_calc_arguments
from app.domain.days import DayError, parse_day
from app.domain.money import AmountError, parse_pounds
from app.domain.visits import CONTACT_HOW, CONTACT_OUTCOMES, REFERRAL_KINDS, REFERRAL_OUTCOMES

if TYPE_CHECKING:
    from app.services.case_changes import VisitRecorded
    from app.services.workspace import Workspace

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage found after parsing (exit status 2)."""


class PasswordFileError(Exception):
    """The password file cannot be used (exit status 1)."""


#: Headless commands read the officer's PIN from the file this names.
PIN_FILE_ENV = "DOORSTEP_PIN_FILE"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Doorstep: the income officer's offline caseload. With no command, the "
        "desktop window starts.",
    )
    parser.add_argument("--version", action="version", version=f"Doorstep {__version__}")
    parser.add_argument(
        "--data-dir",
        help="folder holding the encrypted caseload (default: DOORSTEP_DATA_DIR or the "
        "user's data folder)",
    )
    parser.add_argument("--server", help="the central store's address, e.g. https://host:8765")
    parser.add_argument(
        "--allow-demo-key-file",
        action="store_true",
        help="synthetic demo only: without a keyring, keep the key in a file in the data folder",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("signin", help="sign this device in to the central store")
    p.add_argument("--server", dest="signin_server", help="the central store's address")
    p.add_argument("--user", required=True, help="your username")
    p.add_argument(
        "--password-file",
        help="read the password from this file (first line); without it you are asked",
    )
    p.add_argument("--device-name", default="", help="a name for this laptop (default: hostname)")
    p.add_argument(
        "--pin-file",
        help="read the PIN that will lock this laptop's caseload from this file (first line); "
        f"without it, {PIN_FILE_ENV} or you are asked",
    )

    p = sub.add_parser(
        "set-aside",
        help="a caseload that will not open: say what it held; with --yes, move it into the "
        "quarantine folder (its key kept) so the next sign-in downloads a new copy",
    )
    p.add_argument("--yes", action="store_true", help="set it aside (without: only say)")

    p = sub.add_parser(
        "status", help="the caseload, changes waiting to be sent or refused, and the last sync"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser(
        "record", help="record a case action, as Record action… in the case window does"
    )
    p.add_argument("--case", required=True, help="the case's tenancy reference")
    p.add_argument("--action", required=True, help="the action code, e.g. contact or letter_1")
    p.add_argument("--on", type=_iso_date, help="the day it was done, YYYY-MM-DD (default: today)")
    p.add_argument("--until", type=_iso_date, help="the extra date some actions need, YYYY-MM-DD")
    p.add_argument("--note-file", type=Path, help="read the note from this UTF-8 text file")

    p = sub.add_parser("contact", help="contacts with a household, as visit mode records them")
    csub = p.add_subparsers(dest="contact_command", required=True, metavar="add")
    add = csub.add_parser(
        "add", help="record a contact (with a promise to pay and a follow-up if made)"
    )
    add.add_argument("--case", required=True, help="the case's tenancy reference")
    add.add_argument(
        "--on", type=_iso_date, help="the day of the contact, YYYY-MM-DD (default: today)"
    )
    add.add_argument("--how", required=True, choices=list(CONTACT_HOW), help="how it was made")
    add.add_argument(
        "--outcome", required=True, choices=list(CONTACT_OUTCOMES), help="what came of it"
    )
    add.add_argument("--promise", type=_pounds, help="the amount promised, in pounds (98.45)")
    add.add_argument("--promise-date", type=_iso_date, help="the day it is promised by")
    add.add_argument("--follow-up", type=_iso_date, help="the day to follow it up, YYYY-MM-DD")
    add.add_argument("--note-file", type=Path, help="read the note from this UTF-8 text file")

    p = sub.add_parser("followup", help="dated tasks on a case, as the Contacts tab sets them")
    fsub = p.add_subparsers(dest="followup_command", required=True, metavar="add|done")
    fadd = fsub.add_parser("add", help="set a follow-up on a case")
    fadd.add_argument("--case", required=True, help="the case's tenancy reference")
    fadd.add_argument("--due", type=_iso_date, required=True, help="the day it is due, YYYY-MM-DD")
    fadd.add_argument("--task", required=True, help="what to do (e.g. check the DHP decision)")
    fdone = fsub.add_parser("done", help="mark a follow-up done (or --cancel it)")
    fdone.add_argument("--id", type=_record_id, required=True, help="the follow-up's id")
    fdone.add_argument("--cancel", action="store_true", help="cancelled rather than done")

    p = sub.add_parser("referral", help="referrals for advice and support, and their outcomes")
    rfsub = p.add_subparsers(dest="referral_command", required=True, metavar="add|outcome")
    radd = rfsub.add_parser("add", help="record a referral made")
    radd.add_argument("--case", required=True, help="the case's tenancy reference")
    radd.add_argument("--to", required=True, choices=list(REFERRAL_KINDS), help="referred to")
    radd.add_argument("--on", type=_iso_date, help="the day it was made (default: today)")
    radd.add_argument("--why", required=True, help="why the referral was made")
    rout = rfsub.add_parser("outcome", help="record how a referral ended up")
    rout.add_argument("--id", type=_record_id, required=True, help="the referral's id")
    rout.add_argument("--outcome", required=True, choices=list(REFERRAL_OUTCOMES))
    rout.add_argument("--on", type=_iso_date, help="the day of the outcome (default: today)")
    rout.add_argument("--note", default="", help="what was decided")

    p = sub.add_parser("visits", help="a day's home visits: the visit sheet to print or keep")
    vsub = p.add_subparsers(dest="visits_command", required=True, metavar="sheet")
    sheet = vsub.add_parser("sheet", help="the visit sheet of a day's cases, as a PDF")
    sheet.add_argument(
        "--date", type=_iso_date, required=True, help="the day of the visits, YYYY-MM-DD"
    )
    sheet.add_argument(
        "--cases", required=True, help="the cases' tenancy references, separated by commas"
    )
    sheet.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    sheet.add_argument(
        "--order",
        choices=["postcode", "street", "given"],
        default="postcode",
        help="after the officer-safety warnings: by postcode (default), by street, or as given",
    )

    p = sub.add_parser("sync", help="bring the caseload up to date with the central store")
    p.add_argument("--page-limit", type=int, help="rows per page (default: the server's)")

    p = sub.add_parser("report", help="reports over the caseload on this device")
    rsub = p.add_subparsers(dest="report", required=True, metavar="REPORT")
    bal = rsub.add_parser("balances", help="tenancy_ref,balance_pence for every tenancy, by ref")
    bal.add_argument("--format", choices=["csv"], default="csv")
    work = rsub.add_parser(
        "worklist", help="every case with its next action and the reason, from this laptop's data"
    )
    work.add_argument(
        "--as-of", type=_iso_date, help="the day to compute it for, YYYY-MM-DD (default: today)"
    )
    work.add_argument("--format", choices=["json", "csv"], default="json")
    work.add_argument(
        "--policy", type=Path, help="a recovery policy TOML file (default: the council's or ours)"
    )

    p = sub.add_parser(
        "calc", help="one calculation: JSON in (FILE or standard input), JSON out; no data touched"
    )
    add_calc_arguments(p)

    p = sub.add_parser("guidelines", help="the licensed SFS spending guidelines on this laptop")
    gsub = p.add_subparsers(dest="guidelines", required=True, metavar="ACTION")
    imp = gsub.add_parser("import", help="import a guideline table (CSV; none is shipped)")
    imp.add_argument("file", type=Path, help="category,household_key,amount,effective_from")

    p = sub.add_parser("ie", help="income and expenditure: SFS hand-over and the tenant's summary")
    isub = p.add_subparsers(dest="ie", required=True, metavar="ACTION")
    exp = isub.add_parser("export", help="a finished I&E as an SFS v1.1 data-entry JSON document")
    exp.add_argument("--case", required=True, help="the tenancy reference")
    exp.add_argument("--assessment", type=_uuid, help="this assessment (default: the latest)")
    exp.add_argument(
        "--employment",
        action="append",
        metavar="STATUS",
        help='the client\'s SFS employment status, e.g. "Part-time" (repeatable; default '
        '"Other", not recorded)',
    )
    exp.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    ie_imp = isub.add_parser("import", help="an adviser's SFS document as a new finished I&E")
    ie_imp.add_argument("file", type=Path, help="the SFS v1.1 data-entry JSON document")
    ie_imp.add_argument("--case", required=True, help="the tenancy reference")
    ie_imp.add_argument(
        "--date", type=_iso_date, help="the assessment date, YYYY-MM-DD (default: today)"
    )
    summ = isub.add_parser("summary", help="the two-page PDF summary the tenant keeps")
    summ.add_argument("--case", required=True, help="the tenancy reference")
    summ.add_argument("--assessment", type=_uuid, help="this assessment (default: the latest)")
    summ.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    return parser


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an assessment id") from None


def _record_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a record id (a UUID)") from None


def _iso_date(text: str) -> date:
    """A day given on the command line, within the days Doorstep takes (``app.domain.days``)."""
    try:
        return parse_day(text)
    except DayError as exc:
        raise argparse.ArgumentTypeError(
            exc.reason if exc.out_of_range else f"{text!r} is not a date (YYYY-MM-DD): {exc.reason}"
        ) from None


def _pounds(text: str) -> int:
    """An amount given on the command line, in pounds, as integer pence."""
    try:
        return parse_pounds(text)
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _read_password(path: str | None, *, what: str = "password") -> str:
    if path is None:
        if not sys.stdin.isatty():
            raise UsageError("no --password-file given and no terminal to ask for the password")
        return getpass.getpass("Password: ")
    try:
        with Path(path).open(encoding="utf-8") as handle:
            line = handle.readline()
    except FileNotFoundError:
        raise PasswordFileError(f"the {what} file {path} does not exist") from None
    except IsADirectoryError:
        raise PasswordFileError(f"the {what} file {path} is a folder, not a file") from None
    except PermissionError:
        raise PasswordFileError(
            f"the {what} file {path} cannot be read (permission denied)"
        ) from None
    except UnicodeDecodeError:
        raise PasswordFileError(f"the {what} file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise PasswordFileError(f"the {what} file {path} cannot be read ({exc.strerror})") from None
    password = line.rstrip("\r\n")
    if not password:
        raise PasswordFileError(f"the {what} file {path} is empty (the {what} is its first line)")
    return password


def _open_workspace(args: argparse.Namespace) -> Workspace:
    """The caseload, opened with the officer's PIN when its key is wrapped with one: from the
    file ``DOORSTEP_PIN_FILE`` names, else asked on the terminal (never echoed)."""
    from app.paths import data_dir
    from app.services.workspace import PinNeeded, open_workspace

    folder = data_dir(args.data_dir)
    try:
        return open_workspace(folder, allow_demo_files=args.allow_demo_key_file)
    except PinNeeded:
        pin = _read_pin(None, ask="PIN: ")
    return open_workspace(folder, allow_demo_files=args.allow_demo_key_file, pin=pin)


def _read_pin(path: str | None, *, ask: str, twice: bool = False) -> str:
    """The PIN from ``path``, else ``DOORSTEP_PIN_FILE``, else the terminal (twice, the same,
    when ``twice``)."""
    path = path or os.environ.get(PIN_FILE_ENV) or None
    if path is not None:
        return _read_password(path, what="PIN").strip()
    if not sys.stdin.isatty():
        raise UsageError(
            f"this needs your PIN: name a file holding it with {PIN_FILE_ENV} (or --pin-file "
            "for signin), or run the command in a terminal"
        )
    pin = getpass.getpass(ask)
    if twice and getpass.getpass("The same PIN again: ") != pin:
        raise UsageError("the two PINs differ; nothing was changed")
    return pin


def _signin(args: argparse.Namespace) -> int:
    from app.services.enrolment import server_url, sign_in

    password = _read_password(args.password_file)
    workspace = _open_workspace(args)
    # A key in the keyring is kept only wrapped with a PIN (docs/security.md); the demo's key
    # file holds its key in clear whatever a PIN did, so there it is only used if given.
    pin: str | None = None
    if args.pin_file or os.environ.get(PIN_FILE_ENV) or not workspace.uses_demo_key_file:
        try:
            pin = _read_pin(args.pin_file, ask="Choose a PIN for this laptop: ", twice=True)
        except BaseException:
            workspace.close()
            raise
    try:
        url = args.signin_server or args.server or server_url(workspace)
        if not url:
            raise UsageError("say which central store to sign in to: signin --server URL")
        officer = sign_in(
            workspace,
            server_url=url,
            username=args.user,
            password=password,
            device_name=args.device_name,
            pin=pin,
        )
    finally:
        workspace.close()
    name = officer.display_name or officer.username
    print(f"Signed in as {name} ({officer.username}) at {url.rstrip('/')}.")
    return EXIT_OK


def _sync(args: argparse.Namespace) -> int:
    from app.services.enrolment import set_server_url
    from app.services.outbox_check import changes_missing
    from app.services.sync import run_sync

    workspace = _open_workspace(args)
    try:
        missing = changes_missing(workspace)
        if missing:
            print(
                f"doorstep: {missing} change(s) saved on this laptop are no longer in its "
                "database (its write-ahead log was deleted or cut short) and cannot be sent; "
                "record them again.",
                file=sys.stderr,
            )
        if args.server:
            set_server_url(workspace, server_url=args.server)
        summary = run_sync(workspace, page_limit=args.page_limit)
    finally:
        workspace.close()
    check = {True: "ok", False: "MISMATCH", None: "skipped"}[summary.check_ok]
    kind = "bootstrap" if summary.bootstrapped else "update"
    print(
        f"Synced ({kind}): pushed {summary.pushed} change(s) ({summary.rejected} rejected); "
        f"pulled {summary.pages} page(s), {summary.tenancies} tenancies, "
        f"{summary.people} people, {summary.ledger_lines} ledger lines, "
        f"{summary.arrangements} arrangements, {summary.actions} case actions, "
        f"{summary.assessments} I&E assessments, "
        f"{summary.removed} removed; cursor {summary.cursor}; check {check}."
    )
    return EXIT_OK if summary.check_ok is not False else EXIT_FAILED


def _status(args: argparse.Namespace) -> int:
    from app.services.status import device_status

    workspace = _open_workspace(args)
    try:
        status = device_status(workspace)
    finally:
        workspace.close()
    if args.format == "json":
        print(json.dumps(status.as_json(), indent=2))
        return EXIT_OK
    officer = status.officer.username if status.officer else "nobody (not signed in)"
    synced = status.last_sync.isoformat(timespec="seconds") if status.last_sync else "never"
    print(f"Signed in: {officer} at {status.server_url or 'no server'}")
    print(f"Cases: {status.cases}")
    print(f"Changes waiting to be sent: {status.pending_changes}")
    print(f"Changes the central store refused: {status.refused_changes}")
    print(f"Last sync: {synced}")
    print(f"Locked: {'yes' if status.locked else 'no (a Doorstep window shows the caseload)'}")
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    from app.services.actions import ActionRefused, record_action_for_ref

    note = _read_note(args.note_file)
    workspace = _open_workspace(args)
    try:
        done = record_action_for_ref(
            workspace,
            tenancy_ref=args.case,
            code=args.action,
            on=args.on or workspace.clock.today(),
            until=args.until,
            note=note,
        )
    except ActionRefused as exc:
        print(f"doorstep: not recorded: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        workspace.close()
    print(f"Recorded {args.action} on case {args.case} ({done.action_id}); sent at the next sync.")
    return EXIT_OK


def _read_note(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the note file {path} is not UTF-8 text") from exc


def _contact(args: argparse.Namespace) -> int:
    from app.services.visits import (
        ContactDetails,
        FollowUpTerms,
        PromiseTerms,
        record_contact_for_ref,
    )

    if (args.promise is None) != (args.promise_date is None):
        raise UsageError("--promise and --promise-date go together")
    note = _read_note(args.note_file)

    def record(workspace: Workspace) -> VisitRecorded:
        details = ContactDetails(
            on=args.on or workspace.clock.today(),
            how=args.how,
            outcome=args.outcome,
            note=note,
            promise=PromiseTerms(args.promise, args.promise_date) if args.promise else None,
            follow_up=FollowUpTerms(args.follow_up) if args.follow_up else None,
        )
        return record_contact_for_ref(workspace, tenancy_ref=args.case, details=details)

    return _record_visit(args, f"the contact on case {args.case}", record)


def _record_visit(
    args: argparse.Namespace, what: str, record: Callable[[Workspace], VisitRecorded]
) -> int:
    """Run one visit record's service on the laptop's caseload; a refusal is exit 1, naming
    the field (nothing saved)."""
    from app.services.visits import VisitRefused

    workspace = _open_workspace(args)
    try:
        done = record(workspace)
    except VisitRefused as exc:
        print(f"doorstep: not recorded: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        workspace.close()
    print(f"Recorded {what} ({done.record_id}); sent at the next sync.")
    return EXIT_OK


def _visits(args: argparse.Namespace) -> int:
    from app.paths import write_private_file
    from app.services.visit_sheet import CasesNotOnLaptop, visit_sheet_for_refs

    refs = [ref.strip() for ref in args.cases.split(",") if ref.strip()]
    if not refs:
        raise UsageError("--cases: name at least one case (REF,REF,...)")
    workspace = _open_workspace(args)
    try:
        sheet = visit_sheet_for_refs(
            workspace, refs, day=args.date, order=None if args.order == "given" else args.order
        )
    except CasesNotOnLaptop as exc:
        print(f"doorstep: no visit sheet written: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        workspace.close()
    write_private_file(args.out, sheet.pdf)
    cases = f"{len(sheet.refs)} case{'s' if len(sheet.refs) != 1 else ''}"
    pages = f"{sheet.pages} page{'s' if sheet.pages != 1 else ''}"
    print(f"Visit sheet for {args.date.isoformat()} written to {args.out} ({cases}, {pages}).")
    return EXIT_OK


def _followup(args: argparse.Namespace) -> int:
    from app.services.visits import add_follow_up, close_follow_up

    def record(workspace: Workspace) -> VisitRecorded:
        if args.followup_command == "add":
            return add_follow_up(workspace, tenancy_id=args.case, due_on=args.due, task=args.task)
        status = "cancelled" if args.cancel else "done"
        return close_follow_up(workspace, follow_up_id=args.id, status=status)

    return _record_visit(args, "the follow-up", record)


def _referral(args: argparse.Namespace) -> int:
    from app.services.visits import record_referral, record_referral_outcome

    def record(workspace: Workspace) -> VisitRecorded:
        on = args.on or workspace.clock.today()
        if args.referral_command == "add":
            return record_referral(
                workspace, tenancy_id=args.case, to=args.to, on=on, reason=args.why
            )
        return record_referral_outcome(
            workspace, referral_id=args.id, outcome=args.outcome, on=on, note=args.note
        )

    return _record_visit(args, "the referral", record)


def _set_aside(args: argparse.Namespace) -> int:
    from app.paths import data_dir
    from app.services.set_aside import set_aside_caseload, why_unopenable
    from app.services.workspace import StoreError, open_workspace

    folder = data_dir(args.data_dir)
    try:
        open_workspace(folder, allow_demo_files=args.allow_demo_key_file).close()
    except StoreError as exc:
        found = why_unopenable(folder, exc, allow_demo_files=args.allow_demo_key_file)
    else:
        print("The caseload opens: there is nothing to set aside.")
        return EXIT_OK
    print(found.reason)
    if not found.can_set_aside:
        return EXIT_FAILED
    unsent = "an unknown number of" if found.unsent is None else str(found.unsent)
    print(f"It held {unsent} change(s) not yet sent to the central store.")
    if not args.yes:
        print("Nothing was changed. Run again with --yes to set it aside.")
        return EXIT_FAILED
    aside = set_aside_caseload(folder, allow_demo_files=args.allow_demo_key_file)
    print(f"Set aside in {aside.folder}; its key is kept as {aside.key_held_as or '(no key)'}.")
    print("Sign in (python -m app signin) to download the caseload again.")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    if args.report == "worklist":
        return _report_worklist(args)
    from app.services.reports import balances_csv

    workspace = _open_workspace(args)
    try:
        text = balances_csv(workspace)
    finally:
        workspace.close()
    sys.stdout.write(text)
    sys.stdout.flush()
    return EXIT_OK


def _report_worklist(args: argparse.Namespace) -> int:
    from app.paths import data_dir
    from app.services.worklist import load_recovery_policy, worklist_report

    policy = load_recovery_policy(data_dir(args.data_dir), path=args.policy)
    workspace = _open_workspace(args)
    try:
        text = worklist_report(
            workspace,
            policy=policy,
            as_of=args.as_of or workspace.clock.today(),
            fmt=args.format,
        )
    finally:
        workspace.close()
    sys.stdout.write(text)
    sys.stdout.flush()
    return EXIT_OK


def _guidelines(args: argparse.Namespace) -> int:
    from app.domain.guidelines import GuidelineError
    from app.services.guidelines import import_guidelines

    try:
        text = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GuidelineError(f"{args.file} is not UTF-8 text") from None
    workspace = _open_workspace(args)
    try:
        done = import_guidelines(workspace, csv_text=text)
    except GuidelineError as exc:
        raise GuidelineError(f"{args.file}: {exc}; nothing was imported") from None
    finally:
        workspace.close()
    dates = ", ".join(day.isoformat() for day in done.tables)
    print(
        f"Guidelines imported from {args.file.name}: {done.added} added, {done.changed} changed, "
        f"{done.unchanged} already held (tables from {dates})."
    )
    return EXIT_OK


def _ie(args: argparse.Namespace) -> int:
    from app.domain.sfs_document import EMPLOYMENT_STATUSES, SfsDocumentError
    from app.services import ie_documents as docs

    if args.ie == "export" and args.employment:
        for status in args.employment:
            if status not in EMPLOYMENT_STATUSES:
                known = ", ".join(repr(s) for s in EMPLOYMENT_STATUSES)
                raise UsageError(f"--employment: {status!r} is not one of {known}")
    text = ""
    if args.ie == "import":
        try:
            text = args.file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise docs.IeDocumentError(f"{args.file} is not UTF-8 text") from None
    workspace = _open_workspace(args)
    try:
        if args.ie == "export":
            out = docs.export_sfs(
                workspace,
                tenancy_ref=args.case,
                assessment_id=args.assessment,
                employment=tuple(args.employment or docs.DEFAULT_EMPLOYMENT),
            )
        elif args.ie == "import":
            try:
                saved = docs.import_sfs(
                    workspace, tenancy_ref=args.case, document_text=text, assessed_on=args.date
                )
            except SfsDocumentError as exc:
                problems = "; ".join(exc.problems)
                raise docs.IeDocumentError(
                    f"{args.file}: not a valid SFS document ({len(exc.problems)} "
                    f"problem(s)): {problems}; nothing was imported"
                ) from None
        else:
            pdf = docs.case_summary_pdf(
                workspace, tenancy_ref=args.case, assessment_id=args.assessment
            )
    finally:
        workspace.close()
    from app.paths import write_private_file

    if args.ie == "export":
        if args.out is None:
            sys.stdout.write(out)
            sys.stdout.flush()
        else:
            write_private_file(args.out, out.encode("utf-8"))
            print(f"SFS document for case {args.case} written to {args.out}.")
    elif args.ie == "import":
        replaced = f", superseding {saved.supersedes_id}" if saved.supersedes_id else ""
        print(
            f"Imported {args.file.name} into case {args.case} as assessment {saved.id} "
            f"({len(saved.assessment.lines)} line(s){replaced})."
        )
    else:
        write_private_file(args.out, pdf)
        print(f"I&E summary for case {args.case} written to {args.out} (2 pages).")
    return EXIT_OK


def _gui(args: argparse.Namespace) -> int:
    from app.paths import data_dir

    try:
        from app.ui.app import run_gui
    except ImportError as exc:  # Qt, or a system library it needs, is missing
        print(
            f"doorstep: the window cannot start: {exc}. Doorstep's window needs PySide6 and "
            "the system libraries Qt loads (README: 'If the window does not open'); the "
            "other commands (signin, sync, report, ie, calc) work without them.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    result: int = run_gui(
        data_dir=data_dir(args.data_dir),
        allow_demo_files=args.allow_demo_key_file,
        server_url=args.server,
    )
    return result


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """``parse_args``, except that ``calc KIND --format sfs FILE`` works: argparse does not take
    a positional after an option once the positionals before it were matched."""
    args, extras = parser.parse_known_args(argv)
    lone = extras[0] if len(extras) == 1 else None
    if args.command == "calc" and args.file is None and lone and (lone == "-" or lone[0] != "-"):
        args.file, extras = lone, []
    if extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)  # exits with status 2 on bad usage
    if args.command == "calc":
        from app.calc import run as run_calc

        return run_calc(kind=args.kind, path=args.file, fmt=args.calc_format)
    from app.domain.guidelines import GuidelineError
    from app.services.ie_documents import IeDocumentError
    from app.services.worklist import PolicyFileError
    from app.services.workspace import StoreError
    from app.sync.errors import SyncError

    try:
        if args.command == "signin":
            return _signin(args)
        if args.command == "sync":
            if args.page_limit is not None and args.page_limit < 1:
                raise UsageError("--page-limit must be 1 or more")
            return _sync(args)
        if args.command == "report":
            return _report(args)
        if args.command == "set-aside":
            return _set_aside(args)
        if args.command == "status":
            return _status(args)
        if args.command == "record":
            return _record(args)
        if args.command == "contact":
            return _contact(args)
        if args.command == "followup":
            return _followup(args)
        if args.command == "referral":
            return _referral(args)
        if args.command == "visits":
            return _visits(args)
        if args.command == "guidelines":
            return _guidelines(args)
        if args.command == "ie":
            return _ie(args)
        return _gui(args)
    except UsageError as exc:
        print(f"doorstep: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (
        PasswordFileError,
        StoreError,
        SyncError,
        PolicyFileError,
        GuidelineError,
        IeDocumentError,
    ) as exc:
        print(f"doorstep: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("doorstep: interrupted; everything already saved is kept.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"doorstep: {exc.strerror or exc} ({exc.filename or 'no file'})", file=sys.stderr)
        return EXIT_FAILED
