"""The pure planning of reminders: lead times, overdue repeats, escalation, the catch-up horizon."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.domain.monitor import Rules, Watched, plan, slots

DUE = date(2023, 6, 30)


def _watched(due: date = DUE, recipients: tuple[str, ...] = ("a@example.org", "b@example.org")) -> Watched:
    return Watched("pledge:p", "p", due, str(due), "day", "pledge due", recipients, ("boss@example.org",), Rules())


def test_an_old_overdue_deadline_plans_a_bounded_number_of_slots() -> None:
    """Three years overdue: only slots back to the horizon (before days + two monthly repeats) are considered, not 150
    weeks; the repeats have backed off to the monthly reminder days."""
    today = DUE + timedelta(days=3 * 365)
    found = slots(_watched(), today)
    assert len(found) <= 3 * 17
    newest = max(s.slot_date for s in found)
    assert today - timedelta(days=30) < newest <= today
    assert all(s.slot_date.toordinal() % 30 == 0 for s in found)
    assert {s.kind for s in found} == {"overdue", "escalation"}


def test_one_reminder_per_recipient_goes_out_on_the_first_tick() -> None:
    """On the first look at an old deadline each recipient gets only the newest slot; the others are superseded."""
    today = DUE + timedelta(days=400)
    decided = plan([_watched()], today, {})
    pending = [s for s, status in decided if status == "pending"]
    assert sorted(s.recipient for s in pending) == ["a@example.org", "b@example.org", "boss@example.org"]
    assert all(s.slot_date == pending[0].slot_date for s in pending)


def test_no_recipients_no_slots() -> None:
    """A deadline nobody hears about plans nothing."""
    watched = Watched("pledge:p", "p", DUE, str(DUE), "day", "pledge due", (), (), Rules())
    assert slots(watched, DUE + timedelta(days=30)) == []


def test_lead_times_before_and_on_the_day() -> None:
    """Before the deadline the slots are the lead times whose day has come."""
    found = slots(_watched(recipients=("a@example.org",)), DUE - timedelta(days=7))
    assert sorted(s.lead_days for s in found) == [7, 30, 90]


def test_an_escalation_contact_hears_at_most_once_a_week() -> None:
    """A new escalation for a contact who had one three days ago is held (not written), and goes out a week on."""
    today = DUE + timedelta(days=14)
    held = plan([_watched()], today, {}, {"boss@example.org": (today - timedelta(days=3)).isoformat()})
    assert [status for s, status in held if s.kind == "escalation"] == ["held"]
    later = today + timedelta(days=4)
    sent = plan([_watched()], later, {}, {"boss@example.org": (today - timedelta(days=3)).isoformat()})
    assert [(s.slot_date, status) for s, status in sent if s.kind == "escalation"] == [(today, "pending")]


def test_overdue_repeats_back_off_to_the_shared_monthly_days() -> None:
    """Weekly for the first four weeks, then on the monthly reminder days that every deadline shares."""
    found = slots(_watched(), DUE + timedelta(days=120))
    late = sorted({-s.lead_days for s in found if s.kind == "overdue"})
    weekly = [d for d in late if d <= 28]
    monthly = [DUE + timedelta(days=d) for d in late if d > 28]
    assert all(d % 7 == 0 for d in weekly) and monthly and all(day.toordinal() % 30 == 0 for day in monthly)
