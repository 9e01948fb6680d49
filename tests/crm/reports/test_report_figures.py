"""Each programme figure on a small hand-built data set whose right answer is worked out here."""

from datetime import datetime, time, timedelta

import pytest

from crm.extensions import db
from crm.models import Borger, Opening, Placement, Programme, Task
from crm.models.programme import OutcomeKind as K
from crm.services import reports
from crm.timeutil import today


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _programme(programme_id) -> Programme:
    return db.session.get(Programme, programme_id)


def _borgere(make_borger, vejleder, programme_id, n, **fields):
    return [make_borger(vejleder, programme_id=programme_id, **fields) for _ in range(n)]


def test_three_of_five_into_job_or_education_is_60_percent_and_meets_a_60_percent_target(
    app, make_user, make_borger, make_programme, add_outcome
):
    pid = make_programme(targets=[("job_or_education", "share", 60)])
    b = _borgere(make_borger, make_user("vejleder"), pid, 5)
    add_outcome(b[0], pid, K.ORDINARY_JOB_START)
    add_outcome(b[1], pid, K.FLEXJOB_START)
    add_outcome(b[2], pid, K.EDUCATION_START)
    add_outcome(b[2], pid, K.ORDINARY_JOB_START)  # the same borger counts once
    with app.app_context():
        programme = _programme(pid)
        progress = reports.target_progress(programme, programme.targets[0])
    assert (progress.count, progress.value, progress.met, progress.on_track) == (3, 60.0, True, True)


def test_loentilskud_and_praktik_are_not_job_or_education(
    app, make_user, make_borger, make_programme, add_outcome
):
    pid = make_programme(targets=[("job_or_education", "share", 60)])
    b = _borgere(make_borger, make_user("vejleder"), pid, 4)
    add_outcome(b[0], pid, K.LOENTILSKUD_START)
    add_outcome(b[1], pid, K.PRAKTIK_START)
    add_outcome(b[2], pid, K.ORDINARY_JOB_START)
    with app.app_context():
        programme = _programme(pid)
        progress = reports.target_progress(programme, programme.targets[0])
    assert (progress.count, progress.value, progress.on_track) == (1, 25.0, False)


def test_onward_counts_any_employment_oriented_step(app, make_user, make_borger, make_programme, add_outcome):
    pid = make_programme(targets=[("onward", "share", 60)])
    b = _borgere(make_borger, make_user("vejleder"), pid, 4)
    add_outcome(b[0], pid, K.PRAKTIK_START)
    add_outcome(b[1], pid, K.FLEXJOB_CLARIFIED)
    add_outcome(b[2], pid, K.FIRST_EMPLOYER_CONTACT)  # a contact is not a step onward
    with app.app_context():
        programme = _programme(pid)
        assert reports.target_progress(programme, programme.targets[0]).value == 50.0


def test_count_target_is_on_track_when_count_reaches_goal_times_elapsed_share(
    app, make_user, make_borger, make_programme, add_outcome
):
    # Half the period has passed: 10 × 0.5 = 5 expected.
    pid = make_programme(
        targets=[("praktik", "count", 10)],
        starts_on=today() - timedelta(days=100),
        ends_on=today() + timedelta(days=100),
    )
    b = _borgere(make_borger, make_user("vejleder"), pid, 5)
    for borger_id in b[:4]:
        add_outcome(borger_id, pid, K.PRAKTIK_START)
    with app.app_context():
        programme = _programme(pid)
        behind = reports.target_progress(programme, programme.targets[0])
    add_outcome(b[4], pid, K.PRAKTIK_START)
    with app.app_context():
        programme = _programme(pid)
        on_track = reports.target_progress(programme, programme.targets[0])
    assert (behind.count, behind.expected, behind.on_track, behind.met) == (4, 5.0, False, False)
    assert (on_track.count, on_track.on_track, on_track.met) == (5, True, False)


def test_outcomes_of_other_programmes_do_not_count(app, make_user, make_borger, make_programme, add_outcome):
    pid, other = make_programme("A", targets=[("ordinary_job", "count", 12)]), make_programme("B")
    borger = make_borger(make_user("vejleder"), programme_id=pid)
    add_outcome(borger, other, K.ORDINARY_JOB_START)
    with app.app_context():
        programme = _programme(pid)
        assert reports.target_progress(programme, programme.targets[0]).count == 0


def test_enrolled_active_and_phase_counts(app, make_user, make_borger, make_programme):
    pid = make_programme()
    vejleder = make_user("vejleder")
    _borgere(make_borger, vejleder, pid, 2, phase="opstart")
    _borgere(make_borger, vejleder, pid, 1, phase="eftervaern")
    _borgere(make_borger, vejleder, pid, 1, phase="afsluttet")
    make_borger(vejleder)  # no programme
    with app.app_context():
        programme = _programme(pid)
        phases = reports.phase_counts(programme)
        assert (reports.enrolled_count(programme), reports.active_count(programme)) == (4, 3)
    assert (phases["opstart"], phases["eftervaern"], phases["afsluttet"], phases["udvikling"]) == (2, 1, 1, 0)


def test_caseload_per_vejleder_counts_active_borgere_against_the_norm(
    app, make_user, make_borger, make_programme, user_id
):
    pid = make_programme(caseload_norm=3)
    heavy, light = make_user("vejleder", name="Anna"), make_user("vejleder", name="Bo")
    _borgere(make_borger, heavy, pid, 4)
    _borgere(make_borger, heavy, pid, 1, phase="afsluttet")
    _borgere(make_borger, light, pid, 3)
    with app.app_context():
        rows = reports.caseload_per_vejleder(_programme(pid))
    assert [(r.name, r.value, r.ok) for r in rows] == [("Anna", 4, False), ("Bo", 3, True)]


def test_median_days_to_first_contact_of_a_vejleder_with_seven_borgere_is_20(
    app, make_user, make_borger, make_programme, add_outcome, user_id
):
    pid = make_programme()
    vejleder = make_user("vejleder")
    enrolled = today() - timedelta(days=100)
    b = _borgere(make_borger, vejleder, pid, 7, enrolled_on=enrolled)
    for borger_id, days in zip(b[:3], (10, 20, 40), strict=True):
        add_outcome(borger_id, pid, K.FIRST_EMPLOYER_CONTACT, on_date=enrolled + timedelta(days=days))
    vid = user_id(vejleder)
    with app.app_context():
        programme = _programme(pid)
        median = reports.median_days_to_first_contact(programme, vejleder_id=vid)
        within = reports.first_contact_within_goal(programme)
        waiting = [f.days for f in reports.first_contacts(programme) if f.waiting]
    assert median == 20
    assert (within.numerator, within.denominator) == (2, 3)
    assert waiting == [100, 100, 100, 100]


def test_f2f_contacts_per_week_average_the_last_four_full_weeks(
    app, make_user, make_borger, make_programme, make_company, add_contact, user_id
):
    pid = make_programme()
    vejleder = make_user("vejleder")
    make_borger(vejleder, programme_id=pid)
    vid, company = user_id(vejleder), make_company()
    first, last = reports.full_weeks_window(today(), 4)
    for i in range(26):  # 26 face-to-face contacts spread over the four weeks → 6.5 a week
        add_contact(vid, company, first + timedelta(days=i % 28))
    add_contact(vid, company, last, face_to_face=False)  # a phone call does not count
    add_contact(vid, company, first - timedelta(days=1))  # before the window
    add_contact(vid, company, last + timedelta(days=1))  # this week: not a full week yet
    with app.app_context():
        [row] = reports.f2f_contacts_per_week(_programme(pid))
    assert (row.value, row.ok) == (6.5, True)


def test_competitive_share_is_ordinary_starts_of_all_job_starts(
    app, make_user, make_borger, make_programme, add_outcome
):
    pid = make_programme()
    b = _borgere(make_borger, make_user("vejleder"), pid, 4)
    for borger_id in b[:3]:
        add_outcome(borger_id, pid, K.ORDINARY_JOB_START)
    add_outcome(b[3], pid, K.LOENTILSKUD_START)
    add_outcome(b[3], pid, K.PRAKTIK_START)  # not a job start
    with app.app_context():
        share = reports.competitive_share(_programme(pid))
    assert (share.numerator, share.denominator, share.percent, share.ok) == (3, 4, 75.0, False)


def test_employer_diversity_is_distinct_companies_per_job_start(
    app, make_user, make_borger, make_programme, make_company, add_outcome
):
    pid = make_programme()
    b = _borgere(make_borger, make_user("vejleder"), pid, 4)
    c1, c2, c3 = make_company("A"), make_company("B"), make_company("C")
    for borger_id, company in zip(b, (c1, c1, c2, c3), strict=True):
        add_outcome(borger_id, pid, K.ORDINARY_JOB_START, company_id=company)
    with app.app_context():
        diversity = reports.employer_diversity(_programme(pid))
    assert (diversity.numerator, diversity.denominator, diversity.percent, diversity.ok) == (
        3,
        4,
        75.0,
        False,
    )


def test_job_type_diversity_is_distinct_opening_titles_per_job_start(
    app, make_user, make_borger, make_programme, make_company, add_outcome
):
    pid = make_programme()
    b = _borgere(make_borger, make_user("vejleder"), pid, 3)
    company = make_company()
    with app.app_context():
        placements = []
        for borger_id, title in zip(b, ("Lagermedarbejder", "lagermedarbejder", "Gartner"), strict=True):
            opening = Opening(company_id=company, title=title)
            db.session.add(opening)
            db.session.flush()
            placement = Placement(borger_id=borger_id, company_id=company, opening_id=opening.id, stage="job")
            db.session.add(placement)
            db.session.flush()
            placements.append(placement.id)
        db.session.commit()
    for borger_id, placement_id in zip(b, placements, strict=True):
        add_outcome(borger_id, pid, K.ORDINARY_JOB_START, company_id=company, placement_id=placement_id)
    with app.app_context():
        diversity = reports.job_type_diversity(_programme(pid))
    assert (diversity.numerator, diversity.denominator) == (2, 3)


def test_follow_along_cadence_counts_tasks_done_within_two_days_of_due(
    app, make_user, make_borger, make_programme, user_id
):
    pid = make_programme()
    vejleder = make_user("vejleder")
    borger = make_borger(vejleder, programme_id=pid)
    due, vid = today() - timedelta(days=10), user_id(vejleder)

    def done_at(days):
        return datetime.combine(due + timedelta(days=days), time(10))

    with app.app_context():
        for title, eftervaern, task_due, done, at in [
            ("Efterværn: opfølgning", True, due, True, done_at(2)),  # on time (grace 2 days)
            ("Opfølgning (omdøbt)", True, due, True, done_at(3)),  # late, whatever the title says
            ("Efterværn: opfølgning", True, due, False, None),  # missed
            ("Efterværn: opfølgning", True, today() + timedelta(days=5), False, None),  # not due yet
            ("Ring til virksomheden", False, due, False, None),  # not a follow-along task
            ("Efterværn: skrevet i hånden", False, due, False, None),  # the title alone does not mark it
        ]:
            db.session.add(
                Task(title=title, eftervaern=eftervaern, due=task_due, done=done, done_at=at, assignee_id=vid,
                     borger_id=borger)
            )
        db.session.commit()
        cadence = reports.follow_along_cadence(_programme(pid))
    assert (cadence.numerator, cadence.denominator, cadence.ok) == (1, 3, False)


def test_retention_at_13_weeks_counts_only_starts_at_least_13_weeks_old(
    app, make_user, make_borger, make_programme, add_outcome
):
    pid = make_programme()
    b = _borgere(make_borger, make_user("vejleder"), pid, 4, enrolled_on=today() - timedelta(days=300))
    for borger_id in b[:3]:
        add_outcome(borger_id, pid, K.ORDINARY_JOB_START, days_ago=120)
    add_outcome(b[3], pid, K.ORDINARY_JOB_START, days_ago=30)  # too recent to be asked
    add_outcome(b[0], pid, K.RETAINED_13W, days_ago=28)
    add_outcome(b[1], pid, K.RETAINED_13W, days_ago=28)
    with app.app_context():
        r13 = reports.retention(_programme(pid), 13)
        r26 = reports.retention(_programme(pid), 26)
    assert (r13.numerator, r13.denominator, r13.percent) == (2, 3, pytest.approx(66.67, abs=0.01))
    assert (r26.numerator, r26.denominator) == (0, 0)


def test_outcomes_by_month_counts_events_per_series(app, make_user, make_borger, make_programme, add_outcome):
    pid = make_programme()
    b = _borgere(make_borger, make_user("vejleder"), pid, 2, enrolled_on=today() - timedelta(days=200))
    add_outcome(b[0], pid, K.ORDINARY_JOB_START, on_date=today())
    add_outcome(b[1], pid, K.EDUCATION_START, on_date=today())
    add_outcome(b[1], pid, K.PRAKTIK_START, on_date=today())
    with app.app_context():
        months, series = reports.outcomes_by_month(_programme(pid))
    assert len(months) == 12 and months[-1] == today().replace(day=1)
    assert series["Job eller uddannelse"][-1] == 2
    assert series["Praktik eller løntilskud"][-1] == 1
    assert sum(series["Første arbejdsgiverkontakt"]) == 0


@pytest.mark.parametrize(
    ("count", "full", "shown"),
    [
        (0, False, 0),
        (1, False, "<5"),
        (4, False, "<5"),
        (5, False, 5),
        (3, True, 3),
        (None, False, None),
    ],
)
def test_mask_count_hides_one_to_four_from_everyone_but_full_viewers(count, full, shown):
    assert reports.mask_count(count, full=full) == shown


def test_figure_drill_down_lists_the_borgere_behind_a_target(
    app, make_user, make_borger, make_programme, add_outcome
):
    pid = make_programme(targets=[("education", "count", 5)])
    b = _borgere(make_borger, make_user("vejleder"), pid, 2)
    add_outcome(b[1], pid, K.EDUCATION_START)
    with app.app_context():
        programme = _programme(pid)
        key = reports.DrillKey.parse(f"target:{programme.targets[0].id}")
        assert reports.figure_borger_ids(programme, key) == {b[1]}
        assert reports.figure_borger_ids(programme, reports.DrillKey.of(reports.Drill.TARGET, 99999)) is None
        assert db.session.get(Borger, b[1]).programme_id == pid


@pytest.mark.parametrize("text", ["enrolled", "phase:opstart", "target:7", "caseload:3", "contacts:3", "retained_26"])
def test_a_drill_down_key_reads_back_as_written(text):
    key = reports.DrillKey.parse(text)
    assert key is not None and str(key) == text


@pytest.mark.parametrize(
    "text",
    ["", "nonsense", "enrolled:1", "phase", "phase:", "phase:nonsense", "target", "target:", "target:abc",
     "target:²", "caseload:99999999999999999999", "retained_14", "ENROLLED"],
)
def test_a_malformed_drill_down_key_is_none(text):
    assert reports.DrillKey.parse(text) is None
