"""A vejleder opens Min konto from the header, turns one kind of the daily digest off with one
click, makes the private calendar link and a calendar program reads the URL shown; and turns a kind
off through the link in a digest mail, without a login."""

import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import DigestOptOut, User
from crm.services.contacts import create_task
from crm.services.digest import send_digests
from crm.timeutil import today

pytestmark = pytest.mark.e2e


def test_vejleder_turns_a_digest_kind_off_and_gets_a_calendar_link(page, login, live_server, make_user):
    email = make_user("vejleder")
    login(email)
    page.get_by_role("link", name="Min konto").click()
    page.wait_for_url(f"{live_server}/konto")
    expect(page.get_by_role("heading", name="Min konto")).to_be_visible()

    row = page.locator('tr[data-kind="eftervaern"]')
    expect(row.get_by_text("Til", exact=True)).to_be_visible()
    row.get_by_role("button", name="Slå fra").click()
    page.wait_for_load_state()
    expect(page.get_by_text("er slået fra i dit daglige overblik")).to_be_visible()
    row = page.locator('tr[data-kind="eftervaern"]')
    expect(row.get_by_text("Fra", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Slå til")).to_be_visible()
    # The other kinds stay on.
    expect(page.locator('tr[data-kind="opgaver"]').get_by_role("button", name="Slå fra")).to_be_visible()

    page.get_by_role("button", name="Lav kalenderlink").click()
    page.wait_for_load_state()
    field = page.get_by_label("Dit kalenderlink")
    url = field.input_value()
    assert url.startswith(f"{live_server}/kalender/") and url.endswith(".ics")
    # A calendar program fetches it over HTTP without the browser's session.
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the live test server
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/calendar")
        assert Calendar.from_ical(response.read())["VERSION"] == "2.0"

    page.reload()
    assert page.get_by_label("Dit kalenderlink").count() == 0
    expect(page.get_by_text("Du har et kalenderlink")).to_be_visible()
    page.get_by_role("button", name="Tilbagekald kalenderlinket").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Kalenderlinket virker ikke længere.")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310
    gone.value.close()
    assert gone.value.code == 404


def test_vejleder_unsubscribes_from_one_kind_through_the_link_in_the_digest(app, page, live_server, make_user):
    """The page a digest's link opens, without a login: it asks first, the button turns the kind off."""
    email = make_user("vejleder")
    app.extensions["mailman"].outbox = []
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        create_task(title="Ring til bageren", due=today() - timedelta(days=1), assignee_id=user.id, actor=None)
        send_digests(base_url=live_server)
        db.session.commit()
        user_id = user.id
    [message] = app.extensions["mailman"].outbox
    link = re.search(rf"{re.escape(live_server)}/overblik/afmeld/\S+", message.body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmeld påmindelser")
    kind = "«Opgaver, der forfalder i dag eller er overskredet»"
    expect(page.get_by_text(f"Vil du holde op med at få {kind}")).to_be_visible()
    page.get_by_role("button", name="Afmeld").click()
    expect(page.get_by_text(f"Du får ikke {kind}")).to_be_visible()
    with app.app_context():
        kinds = db.session.scalars(sa.select(DigestOptOut.kind).where(DigestOptOut.user_id == user_id)).all()
    assert kinds == ["opgaver"]

    page.goto(f"{live_server}/overblik/afmeld/ugyldigt.link.her")  # a damaged link: a clear page, 404
    expect(page.get_by_text("Linket virker ikke")).to_be_visible()
