"""A case window opened from the worklist over a seeded store: header, warnings, statement and
its filters, chart, history; recording an action offline (and the refusals that save nothing);
the models pass the model tester; loading on a real worker thread.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models import AuditEvent, CaseAction, OutboxMutation, Person
from app.services.sync import SyncSummary
from app.services.workspace import Workspace
from app.store.database import LocalStore
from app.ui.case_models import HistoryColumn, StatementColumn
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.table_model import SortRole
from app.ui.worklist_model import WorkFlag, WorklistColumn
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY, seed_officer
from tests.ui.windows import make_window, open_ref, ui_context, worklist_cell
from tests.workspaces import workspace_on


@pytest.fixture
def window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts)


def count(store: LocalStore, model: type) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def texts(view: Any, column: int) -> list[str]:
    model = view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_models_pass_the_model_tester(qtmodeltester: Any, window: MainWindow) -> None:
    case = open_ref(window, "T000001")
    qtmodeltester.check(case.statement_model)
    qtmodeltester.check(case.statement_proxy)
    qtmodeltester.check(case.history_model)
    case.set_statement_type("payment")
    qtmodeltester.check(case.statement_proxy)


def test_the_header_says_who_the_money_the_advice_and_every_warning(window: MainWindow) -> None:
    case = open_ref(window, "T000001")
    assert case.windowTitle() == "T000001 — Ms Zoë Ångström-Ward — Doorstep"
    assert case.name_label.text() == "Ms Zoë Ångström-Ward"
    assert "Flat 3, Ångström House, 12 Mill Lane, Northtown, AB1 2CD" in case.address_label.text()
    assert case.tenancy_label.text().startswith("Secure tenancy since 6 Apr 2015")
    assert case.balance_label.text() == "Arrears £1,000.00 = 4.10 weeks' rent"
    assert "Send arrears letter 2" in case.next_label.text()
    assert "due now" in case.next_label.text()
    assert "Arrears letter 1 sent on 27 Apr 2026" in case.stage_label.text()
    assert "no payment for 45 days" in case.reason_label.text()
    assert case.warning_texts() == [
        "⚠ OFFICER SAFETY: Officer-safety warning since 1 Sep 2025: Dog on the premises; "
        "visit in pairs",
        "VULNERABLE: Vulnerability recorded on 12 Feb 2024: Hearing impaired: text before visiting",
    ]


def test_breathing_space_shows_with_its_end_and_the_hold(window: MainWindow) -> None:
    case = open_ref(window, "T000002")
    [banner] = case.warning_texts()
    assert banner.startswith("BREATHING SPACE: Breathing Space until 3 Jul 2026")
    assert "on hold</b> to 4 Jul 2026" in case.next_label.text()
    assert "Also in the household: 伟 张" in case.household_label.text()


def test_opening_a_case_is_audited(window: MainWindow, seeded: LocalStore) -> None:
    open_ref(window, "T000003")
    with seeded.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.event == "case.viewed"))
        assert len(events.all()) == 1


def test_the_statement_shows_every_line_newest_first_with_running_balances(
    window: MainWindow,
) -> None:
    case = open_ref(window, "T000001")
    assert case.case is not None
    lines = case.case.statement
    case.set_statement_preset("all")
    assert case.statement_proxy.rowCount() == len(lines) == 764
    table = case.statement_table
    assert texts(table, StatementColumn.DATE)[:2] == ["4 May 2026", "27 Apr 2026"]
    assert texts(table, StatementColumn.BALANCE)[0] == "£1,000.00"
    assert texts(table, StatementColumn.DEBIT)[0] == "£24.40"
    # Same-day lines keep their posting order (reversed), so balances read down the page.
    day = texts(table, StatementColumn.DATE).index("30 Mar 2026")
    assert texts(table, StatementColumn.TYPE)[day : day + 2] == ["Housing Benefit", "Rent"]
    assert texts(table, StatementColumn.BALANCE)[day : day + 2] == ["£93.90", "£243.90"]
    assert case.statement_count.text() == "764 lines"
    assert case.tabs.tabText(0) == "Rent statement (764)"


def test_statement_dates_and_type_filter(window: MainWindow) -> None:
    case = open_ref(window, "T000001")
    assert case.case is not None
    lines = case.case.statement
    proxy = case.statement_proxy

    def shown_dates() -> list[date]:
        return [
            proxy.index(r, StatementColumn.DATE).data(SortRole) for r in range(proxy.rowCount())
        ]

    year_ago = date(2025, 5, 18)
    assert case.preset_combo.currentData() == "last_12_months"
    assert proxy.rowCount() == sum(1 for line in lines if line.posted_on >= year_ago)
    assert min(shown_dates()) >= year_ago

    case.set_statement_preset("last_13_weeks")
    start = SEED_TODAY - timedelta(weeks=13)
    assert sorted(shown_dates()) == sorted(x.posted_on for x in lines if x.posted_on >= start)

    case.set_statement_dates(date(2023, 10, 1), date(2023, 12, 31))
    assert case.preset_combo.currentData() == "custom"
    dates = shown_dates()
    assert dates
    assert all(date(2023, 10, 1) <= d <= date(2023, 12, 31) for d in dates)
    assert case.statement_count.text() == f"{len(dates)} of 764 lines"

    case.set_statement_type("payment")
    kinds = [proxy.index(r, StatementColumn.TYPE).data(SortRole) for r in range(proxy.rowCount())]
    assert set(kinds) == {"PAYMENT"}
    case.set_statement_preset("all")
    case.set_statement_type("benefit")
    kinds = [proxy.index(r, StatementColumn.TYPE).data(SortRole) for r in range(proxy.rowCount())]
    assert set(kinds) == {"HB", "DHP"}
    case.set_statement_type("charge")
    credits = texts(case.statement_table, StatementColumn.CREDIT)
    assert set(credits) == {""}
    case.set_statement_type(None)
    assert proxy.rowCount() == 764


def test_the_chart_draws_the_balance_and_marks_payments(window: MainWindow) -> None:
    case = open_ref(window, "T000001")
    assert case.case is not None
    lines = case.case.statement
    chart = case.chart
    payments = sum(1 for line in lines if line.type == "PAYMENT" and line.amount_pence < 0)
    benefit = sum(1 for line in lines if line.type in ("HB", "DHP"))
    assert chart.payment_count() == payments
    assert chart.benefit_count() == benefit
    assert chart.weekly()  # twelve months: each week's closing balance
    case.set_statement_preset("last_13_weeks")
    assert not chart.weekly()
    assert chart.point_count() == 2 * len(lines) + 1  # every line as a step, to today


def test_the_history_shows_actions_newest_first(window: MainWindow) -> None:
    case = open_ref(window, "T000117")
    history = case.history_table
    assert texts(history, HistoryColumn.ACTION) == [
        "Notice of seeking possession served",
        "Arrears letter 2 sent",
        "Arrears letter 1 sent",
        "Reminder sent",
    ]
    assert texts(history, HistoryColumn.UNTIL)[0] == "Proceedings may start from: 1 Jun 2026"
    assert texts(history, HistoryColumn.NOTE)[0] == "Served by hand"
    assert set(texts(history, HistoryColumn.SOURCE)) == {"HMS"}
    assert case.tabs.tabText(case.tabs.indexOf(case.history_page)) == "Action history (4)"


def test_recording_the_recommended_action_offline_moves_the_case_on(
    window: MainWindow, seeded: LocalStore
) -> None:
    assert worklist_cell(window, "T000001", WorklistColumn.NEXT_ACTION) == "Send arrears letter 2"
    due_before = window.filter_panel.flag_boxes[WorkFlag.DUE_NOW].text()
    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    assert dialog.code() == "letter_2"  # the recommended action, pre-selected
    assert dialog.date_edit.date().toPython() == SEED_TODAY
    assert not dialog.until_shown()
    dialog.note_edit.setPlainText("Sent second class")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted

    history = case.history_table
    assert texts(history, HistoryColumn.ACTION)[0] == "Arrears letter 2 sent"
    assert texts(history, HistoryColumn.SOURCE)[0] == "This laptop — waiting to sync"
    assert texts(history, HistoryColumn.NOTE)[0] == "Sent second class"
    assert (
        case.tabs.tabText(case.tabs.indexOf(case.history_page))
        == "Action history (5) — 1 waiting to sync"
    )
    assert "Serve NOSP" in case.next_label.text()
    assert "due 25 May 2026" in case.next_label.text()
    # The worklist reloaded that case: its next action moved on, the counts followed.
    assert worklist_cell(window, "T000001", WorklistColumn.NEXT_ACTION) == "Serve NOSP"
    assert worklist_cell(window, "T000001", WorklistColumn.DUE) == "25 May 2026"
    assert worklist_cell(window, "T000001", WorklistColumn.STAGE) == "Arrears letter 2 sent"
    assert due_before == "Action due today (20)"
    assert window.filter_panel.flag_boxes[WorkFlag.DUE_NOW].text() == "Action due today (19)"
    assert count(seeded, OutboxMutation) == 1
    # Issue 11: the main window shows what waits to be sent.
    assert window.status_text().startswith("30 cases · 1 change waiting to be sent · ")


def test_an_action_needing_a_date_shows_it_and_refuses_without_it(
    window: MainWindow, seeded: LocalStore
) -> None:
    actions_before = count(seeded, CaseAction)
    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("nosp")
    assert dialog.until_shown()
    assert dialog.until_label.text() == "Proceedings may start from"
    assert dialog.until_edit.value() is None
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_for("until") == (
        "Notice of seeking possession served needs the date 'Proceedings may start from'"
    )
    assert dialog.error_for("date") == ""
    assert count(seeded, CaseAction) == actions_before
    assert count(seeded, OutboxMutation) == 0
    assert texts(case.history_table, HistoryColumn.ACTION)[0] == "Arrears letter 1 sent"

    dialog.until_edit.set_value(SEED_TODAY + timedelta(days=28))
    dialog.save()
    assert not dialog.isVisible()
    assert texts(case.history_table, HistoryColumn.UNTIL)[0] == (
        "Proceedings may start from: 15 Jun 2026"
    )


def test_a_future_date_is_refused_under_the_date(window: MainWindow, seeded: LocalStore) -> None:
    actions_before = count(seeded, CaseAction)
    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    dialog.date_edit.setDate(SEED_TODAY + timedelta(days=1))
    dialog.save()
    assert "19 May 2026 is in the future" in dialog.error_for("date")
    assert dialog.error_for("until") == ""
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    assert count(seeded, CaseAction) == actions_before
    assert worklist_cell(window, "T000001", WorklistColumn.NEXT_ACTION) == "Send arrears letter 2"
    dialog.date_edit.setDate(SEED_TODAY)
    dialog.save()
    assert dialog.error_text() == ""
    assert count(seeded, CaseAction) == actions_before + 1


def test_refused_dates_read_as_every_other_date_on_screen(
    window: MainWindow, seeded: LocalStore
) -> None:
    actions_before = count(seeded, CaseAction)
    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("nosp")
    dialog.until_edit.set_value(SEED_TODAY - timedelta(days=1))
    dialog.save()
    assert dialog.error_for("until") == "17 May 2026 is before the action's date 18 May 2026"
    dialog.until_edit.set_value(SEED_TODAY + timedelta(days=28))
    dialog.date_edit.setDate(date(2015, 4, 5))
    dialog.save()
    assert dialog.error_for("date") == "5 Apr 2015 is before the tenancy began (6 Apr 2015)"
    assert dialog.error_for("until") == ""
    assert count(seeded, CaseAction) == actions_before
    dialog.reject()


def test_optional_and_absent_extra_dates(window: MainWindow) -> None:
    case = open_ref(window, "T000002")
    dialog = case.record_action()
    assert dialog is not None
    # The recommended step is on hold (Breathing Space): it is not pre-selected.
    assert dialog.code() == "contact"
    assert "on hold" in dialog.hint_label.text()
    dialog.set_code("breathing_space_start")
    assert dialog.until_shown()
    assert dialog.until_label.text() == "Ends (date on the notice) (if known)"
    dialog.set_code("letter_1")
    assert not dialog.until_shown()
    dialog.reject()


def test_escape_closes_the_case_window(qtbot: QtBot, window: MainWindow) -> None:
    case = open_ref(window, "T000003")
    case.activateWindow()
    qtbot.waitUntil(case.isActiveWindow)
    qtbot.keyClick(case, Qt.Key.Key_Escape)
    assert not case.isVisible()
    assert window.case_windows() == {}


def test_a_sync_that_touched_the_case_reloads_its_window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    changed: list[Any] = []

    def sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
        return SyncSummary(
            pages=1,
            tenancies=1,
            people=0,
            ledger_lines=0,
            removed=0,
            cursor=2,
            bootstrapped=False,
            check_ok=True,
            changed_tenancy_ids=frozenset(changed),
        )

    main = make_window(qtbot, seeded, inline_runner, prompts, sync_fn=sync)
    one, two = open_ref(main, "T000001"), open_ref(main, "T000002")
    changed.append(one.tenancy_id)
    with qtbot.waitSignals([one.loaded]), qtbot.assertNotEmitted(two.loaded):
        main.sync_now()


def test_opens_on_a_real_worker_thread(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    main = MainWindow(ui_context(seeded, thread_runner, prompts))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.worklist_loaded, timeout=10_000):
        main.show()
    main.select_case(main.proxy.row_at(0).tenancy_id)
    case = main.open_selected_case()
    assert case is not None
    with qtbot.waitSignal(case.loaded, timeout=10_000):
        pass
    assert case.case is not None
    assert case.case.ref == "T000001"
    assert case.statement_model.rowCount() == 764
    dialog = case.record_action()
    assert dialog is not None
    with qtbot.waitSignal(main.worklist_loaded, timeout=10_000):
        dialog.save()
    qtbot.waitUntil(lambda: "Serve NOSP" in case.next_label.text(), timeout=10_000)
    assert worklist_cell(main, "T000001", WorklistColumn.NEXT_ACTION) == "Serve NOSP"


def test_after_an_action_only_that_case_is_read_again(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.ui.main_window as main_window

    calls: list[Any] = []
    real_some, real_all = main_window.load_cases, main_window.read_worklist

    def spy_some(workspace: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("tenancy_ids"))
        return real_some(workspace, **kwargs)

    def spy_all(workspace: Any, **kwargs: Any) -> Any:
        calls.append(None)  # every case
        return real_all(workspace, **kwargs)

    monkeypatch.setattr(main_window, "load_cases", spy_some)
    monkeypatch.setattr(main_window, "read_worklist", spy_all)
    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    dialog.save()
    assert calls == [[case.tenancy_id]]
    assert window.model.rowCount() == 30
    window.load_worklist()  # a full reload (after a sync) reads everything
    assert calls[-1] is None


def test_a_uc_case_shows_the_next_uc_payment_and_the_timing_part(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    """Issue 4: UC paid monthly in arrears shows the expected next payment and the timing."""
    from app.models import LedgerEntry
    from tests.ui.seed import add_case

    uc_day = SEED_TODAY - timedelta(days=10)
    with store.session() as session:
        tenancy_id = add_case(
            session,
            ref="T000900",
            address="9 Credit Row",
            postcode="UC1 1UC",
            weekly_rent_pence=10000,
            people=[("Mx", "Robin", "Universal", True)],
        )
        monday = SEED_TODAY - timedelta(days=SEED_TODAY.weekday() + 7 * 8)
        for week in range(9):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"UCR{week}",
                    posted_on=monday + timedelta(weeks=week),
                    type="RENT",
                    amount_pence=10000,
                )
            )
        for n, day in enumerate((uc_day - timedelta(days=31), uc_day)):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"UCP{n}",
                    posted_on=day,
                    type="UC",
                    amount_pence=-43333,
                )
            )
        session.commit()
    seed_officer(store)
    main = make_window(qtbot, store, inline_runner, prompts)
    case = open_ref(main, "T000900")
    text = case.account_label.text()
    assert f"Universal Credit paid to us on {uc_day.day} " in text
    assert "next expected" in text
    assert "of the balance is UC timing, not debt" in text


def test_an_action_the_central_store_refused_says_so_in_the_history() -> None:
    import uuid

    from app.services.case_file import ActionLine
    from app.ui.case_models import ActionHistoryModel
    from app.ui.text.case import REFUSED, WAITING_TO_SYNC

    def line(**kw: Any) -> ActionLine:
        base = dict(
            id=uuid.uuid4(),
            on=SEED_TODAY,
            code="contact",
            label="Contact made with the tenant",
            until=None,
            until_label="",
            note="",
            source="device",
            pending=False,
        )
        return ActionLine(**{**base, **kw})  # type: ignore[arg-type]

    model = ActionHistoryModel()
    model.set_rows(
        [line(sync_problem="tenancy_id: not known to the central store"), line(pending=True)]
    )
    source = HistoryColumn.SOURCE
    assert model.index(0, source).data() == REFUSED
    assert "not known to the central store" in model.index(0, source).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(1, source).data() == WAITING_TO_SYNC


def _finish_w1(store: LocalStore, tenancy_id: Any) -> Any:
    from app.services.assessments import finish_assessment, save_draft, start_assessment
    from tests.unit.sfs_examples import w1_assessment

    workspace = workspace_on(store, SEED_TODAY)
    draft = start_assessment(workspace, tenancy_id=tenancy_id, on=SEED_TODAY)
    save_draft(workspace, assessment_id=draft.id, assessment=w1_assessment(assessed_on=SEED_TODAY))
    return finish_assessment(workspace, assessment_id=draft.id).id


def test_a_referral_to_debt_advice_hands_over_the_latest_income_and_expenditure(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts, tmp_path: Any
) -> None:
    from app.schemas import sfs_document

    case = open_ref(window, "T000001")
    dialog = case.record_action()
    assert dialog is not None
    assert not dialog.form.isRowVisible(dialog.handover_field)  # only for a referral
    dialog.set_code("debt_advice_referral")
    assert dialog.form.isRowVisible(dialog.handover_field)
    assert dialog.send_check.isHidden()  # nothing finished yet: said so, nothing to tick
    assert "No finished income and expenditure" in dialog.handover_label.text()
    assert dialog.handed_over() is None
    dialog.reject()

    assessment_id = _finish_w1(seeded, case.tenancy_id)
    case.load()
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("debt_advice_referral")
    assert dialog.send_check.isChecked()
    assert dialog.send_check.text() == "Send the income and expenditure of 18 May 2026 with it"
    assert dialog.handed_over() == assessment_id
    target = tmp_path / "for the adviser"
    prompts.files.append(target)
    dialog.sfs_button.click()  # the housing system holds no date of birth: the SFS needs one
    assert dialog.error_for("assessment").startswith("The SFS file was not saved: case T000001")
    assert "date of birth is not held" in dialog.error_for("assessment")
    assert not target.with_name("for the adviser.json").exists()
    with seeded.session() as session, session.begin():
        for person in session.scalars(select(Person).where(Person.tenancy_id == case.tenancy_id)):
            person.date_of_birth = date(1985, 6, 1)
    prompts.files.append(target)
    dialog.employment_combo.setCurrentIndex(dialog.employment_combo.findData("Part-time"))
    dialog.sfs_button.click()
    saved = target.with_name("for the adviser.json")
    assert dialog.handover_label.text() == f"SFS file saved to {saved}"
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert sfs_document.validate_document(document) == []
    assert document["client-employment-status"] == ["Part-time"]
    assert "client-employment-status-other" not in document
    dialog.note_edit.setPlainText("Citizens Advice Testtown")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted

    with seeded.session() as session:
        action = session.scalars(
            select(CaseAction).where(CaseAction.code == "debt_advice_referral")
        ).one()
        queued = session.scalars(select(OutboxMutation.intent).order_by(OutboxMutation.device_seq))
        intents = list(queued)
    assert action.assessment_id == assessment_id
    assert intents == ["assessment.add@1", "case_action.record@1"]  # the I&E goes first
    history = case.history_table
    assert texts(history, HistoryColumn.ACTION)[0] == "Referred to debt advice"
    assert texts(history, HistoryColumn.NOTE)[0] == (
        "Sent with the I&E of 18 May 2026. Citizens Advice Testtown"
    )


def test_an_ie_finished_in_its_window_is_offered_to_a_referral_and_shows_its_sync_state(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    from app.domain import sfs
    from app.models import IncomeAssessment

    changed: list[Any] = []

    def sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
        for tenancy_id in changed:  # the central store acknowledged the pushed I&E
            with workspace.store.session() as session, session.begin():
                for row in session.scalars(
                    select(IncomeAssessment).where(IncomeAssessment.tenancy_id == tenancy_id)
                ):
                    row.pending, row.server_seq = False, 7
        return SyncSummary(
            pages=1,
            tenancies=0,
            people=0,
            ledger_lines=0,
            removed=0,
            cursor=2,
            bootstrapped=False,
            check_ok=True,
            changed_tenancy_ids=frozenset(changed),
            pushed=1,
        )

    main = make_window(qtbot, seeded, inline_runner, prompts, sync_fn=sync)
    case = open_ref(main, "T000001")
    form = case.open_assessment()
    assert form is not None
    row = form.lines(sfs.INCOME)[0]
    row.set_heading("client-salary-or-wages")
    row.amount_edit.setText("950")
    form.finish()
    assert form.saved_assessment is not None
    assert form.saved_assessment.is_final
    assert "Waiting to sync" in form.status_label.text()
    assert case.case is not None
    assert case.case.assessment is not None  # the case window read it again
    assert "Income and expenditure of 18 May 2026 (waiting to sync)" in (
        case.arrangement_label.text()
    )
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("debt_advice_referral")
    assert dialog.handed_over() == form.saved_assessment.id
    dialog.reject()

    changed.append(case.tenancy_id)
    main.sync_now()
    assert "Held by the central store." in form.status_label.text()
    assert "Income and expenditure of 18 May 2026<" in case.arrangement_label.text() + "<"


@pytest.mark.parametrize("ref", ["T000001", "T000002", "T000960"])
def test_the_case_window_fits_a_laptop_on_every_tab(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    ref: str,
) -> None:
    """Every warning (T000001), Breathing Space (T000002), and the most a header can hold."""
    from tests.ui.crowded_case import seed_crowded_case
    from tests.ui.test_balance_chart import assert_readable
    from tests.ui.windows import assert_fits_laptop

    seed_crowded_case(seeded)
    case = open_ref(make_window(qtbot, seeded, inline_runner, prompts), ref)
    case.show()
    # Offscreen draws no title bar; a real window manager's needs about 30 pixels more.
    assert case.frameGeometry().height() <= case.screen().availableGeometry().height() - 30
    for preset in ("last_12_months", "all", "last_13_weeks"):
        case.set_statement_preset(preset)
        for tab in range(case.tabs.count()):
            case.tabs.setCurrentIndex(tab)
            assert_fits_laptop(case)
        assert_readable(case.chart)
        # The splitter leaves the statement room for a useful number of lines.
        table = case.statement_table
        assert table.viewport().height() >= 5 * table.verticalHeader().defaultSectionSize()
