"""Email (issue 15): who is told what, through a real SMTP server the tests start (aiosmtpd).

Each mail has a plain-text and an HTML part whose links work for its recipient, names the
candidate and nothing else of them, goes out only after its change is committed, respects the
recipient's choices on their profile, and never turns a saved change into an error page when
the mail server fails. Reminders of overdue cards go out once, from `flask send-reminders`.
"""

from __future__ import annotations

import email
import logging
import re
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import delete, inspect
from sqlmodel import Session, SQLModel, col, select

from hiring import create_app, notifications
from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.config import _mail_settings
from hiring.db import make_engine
from hiring.openings import interviews, service
from hiring.openings.models import Opening, PanelSeat, ReminderSent
from team.models import Settings
from tests.conftest import TestConfig, post_form
from tests.hiring.conftest import viewer_of
from tests.hiring.test_migrations import migrate_to
from tests.hiring.test_scorecard_pages import submit_through_page

PUBLIC_URL = "https://hiring.example.org/"
# The test server takes logins over plain SMTP on loopback; aiosmtpd rightly warns of that.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
SMTP_USER, SMTP_PASSWORD = "mailer", "smtp secret"


class Inbox:
    """An SMTP server's handler keeping what it is sent; `refuse` makes it refuse every mail."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.over_tls: list[bool] = []  # per message: did it come over STARTTLS
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused by the test"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.over_tls.append(session.ssl is not None)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on a loopback port that requires a login, and the app set to use it."""
    handler = Inbox()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,  # loopback only; STARTTLS is the server's choice in production
    )
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USERNAME=SMTP_USER,
        MAIL_PASSWORD=SMTP_PASSWORD,
        MAIL_FROM="Team gaps <hiring@example.org>",
        PUBLIC_URL=PUBLIC_URL,
    )
    try:
        yield handler
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of a multipart/alternative mail."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


LINK = re.compile(r"https?://[^\s\"<>]+")


def links(message: EmailMessage) -> list[str]:
    """Every link of the mail: the text part's and the HTML part's must be the same ones."""
    text, html = parts(message)
    in_text = LINK.findall(text)
    in_html = [href for href in re.findall(r'href="([^"]+)"', html)]
    assert in_text and sorted(set(in_text)) == sorted(set(in_html))
    return in_text


def fetch(client: Any, url: str, root: str = PUBLIC_URL) -> Any:
    """Open a mail's link as its recipient would: it must be under the service's address."""
    assert url.startswith(root), url
    parts_ = urlsplit(url)
    return client.get(parts_.path + (f"?{parts_.query}" if parts_.query else ""))


def token_client(app: Flask, db: Session, user: User) -> Any:
    """An API client acting as `user` (bearer token)."""
    token = accounts.create_token(user.id or 0, "test", session=db)
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def submit_card(app: Flask, db: Session, candidate: Any, user: User, **extra: Any) -> Any:
    body = {"ratings": {"data": 3}, "recommendation": "yes", "submit": True} | extra
    response = token_client(app, db, user).post(
        f"/api/v1/candidates/{candidate.id}/scorecards", json=body
    )
    assert response.status_code == 200, response.get_json()
    return response


def new_opening_on_page(client: Any, title: str, panel: list[str]) -> Any:
    data = {"title": title, "headcount": "1", "status": "open", "target_area": "", "panel": panel}
    return post_form(client, "/openings/new", data)


# --- Put on a panel ---------------------------------------------------------------------------


def test_a_panelist_is_told_with_text_and_html_and_links_that_work(
    app, db, inbox, make_user, client_for
):
    manager = make_user("hiring_manager", name="Maria Manager")
    lena = make_user("interviewer", name="Lena Interviewer")
    igor = make_user("interviewer", name="Igor Interviewer")
    created = new_opening_on_page(client_for(manager), "Data engineer", [lena.email])
    assert created.status_code == 302
    [mail] = inbox.to(lena.email)
    assert inbox.to(igor.email) == [] and inbox.to(manager.email) == []
    assert mail["Subject"] == "You are on the interview panel for Data engineer"
    assert mail["From"] == "Team gaps <hiring@example.org>"
    assert "Lena Interviewer" in str(mail["To"])
    text, html = parts(mail)
    assert "Data engineer" in text and "<strong>Data engineer</strong>" in html
    lena_browser = client_for(lena)
    opening_id = db.exec(select(Opening.id).where(Opening.title == "Data engineer")).one()
    found = links(mail)
    assert f"{PUBLIC_URL}openings/{opening_id}/panel" in found
    assert f"{PUBLIC_URL}profile" in found  # where to turn it off
    for url in found:
        page = fetch(lena_browser, url)
        assert page.status_code == 200, url
    # Editing the opening again, panel unchanged, tells nobody; adding Igor tells only Igor.
    edit = f"/openings/{opening_id}/edit"
    page = client_for(manager)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.get(edit).text)
    assert version
    data = {"title": "Data engineer", "headcount": "1", "status": "open", "target_area": ""}
    data["version"] = version.group(1)
    assert post_form(page, edit, data | {"panel": [lena.email]}).status_code == 302
    assert len(inbox.messages) == 1
    data["version"] = str(int(version.group(1)) + 1)
    assert post_form(page, edit, data | {"panel": [lena.email, igor.email]}).status_code == 302
    assert len(inbox.to(lena.email)) == 1 and len(inbox.to(igor.email)) == 1


def test_the_api_seats_a_panel_and_tells_it_too(app, db, inbox, make_user):
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    response = token_client(app, db, manager).post(
        "/api/v1/openings", json={"title": "Researcher", "panel": [lena.email]}
    )
    assert response.status_code == 201
    [mail] = inbox.to(lena.email)
    assert "Researcher" in mail["Subject"]


def test_links_take_the_requests_host_without_public_url(app, db, inbox, make_user, client_for):
    app.config["PUBLIC_URL"] = ""
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    assert new_opening_on_page(client_for(manager), "Analyst", [lena.email]).status_code == 302
    [mail] = inbox.to(lena.email)
    for url in links(mail):
        assert fetch(client_for(lena), url, root="http://localhost/").status_code == 200


# --- Every card in ----------------------------------------------------------------------------


def test_the_manager_is_told_when_the_last_card_is_in_with_nothing_but_the_name(
    app, db, inbox, make_user, make_opening, make_candidate, client_for
):
    manager = make_user("hiring_manager", name="Maria Manager")
    lena, igor = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(manager=manager, panel=[lena, igor], title="Platform engineer")
    yuki = make_candidate(opening, name="Yuki Tanaka", email="yuki.private@example.net")
    expert = {"data": 4, "research": 4}
    submit_card(
        app, db, yuki, lena, notes="SECRET-NOTE-ONE", recommendation="strong_yes", ratings=expert
    )
    assert inbox.to(manager.email) == []  # Igor's card is still out
    submit_card(
        app, db, yuki, igor, notes="SECRET-NOTE-TWO", recommendation="strong_no", ratings=expert
    )
    [mail] = inbox.to(manager.email)
    assert mail["Subject"] == "Every scorecard for Yuki Tanaka is in"
    text, html = parts(mail)
    assert "Yuki Tanaka" in text and "Yuki Tanaka" in html
    shown = (str(mail["Subject"]), text, html)
    for secret in ("yuki.private", "SECRET-NOTE", "strong_", "Strong yes", "Strong no"):
        assert all(secret not in part for part in shown), secret
    assert all("xpert" not in part for part in shown)  # the level both cards gave
    assert "yuki.private" not in mail.as_string()
    assert inbox.to(lena.email) == [] and inbox.to(igor.email) == []
    detail = f"{PUBLIC_URL}candidates/{yuki.id}"
    assert detail in links(mail)
    page = fetch(client_for(manager), detail)
    assert page.status_code == 200 and "Yuki Tanaka" in page.text
    # A correction later tells nobody: the cards were all in already.
    reviser = token_client(app, db, lena)
    assert (
        reviser.post(f"/api/v1/candidates/{yuki.id}/scorecards/revise", json={}).status_code == 200
    )
    submit_card(app, db, yuki, lena)
    assert len(inbox.messages) == 1


def test_a_name_that_html_would_read_is_escaped_in_the_html_part(
    app, db, inbox, make_user, make_opening, make_candidate
):
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    opening = make_opening(manager=manager, panel=[lena])
    candidate = make_candidate(opening, name="<b>Ann</b> & Co")
    submit_card(app, db, candidate, lena)
    [mail] = inbox.to(manager.email)
    text, html = parts(mail)
    assert "<b>Ann</b> & Co" in text
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; Co" in html and "<b>Ann</b>" not in html


# --- After commit only ------------------------------------------------------------------------


def test_nothing_is_sent_for_a_change_rolled_back_and_a_commit_sends(
    app, db, inbox, make_user, make_opening
):
    lena = make_user("interviewer")
    opening_id = make_opening().id
    with app.app_context(), Session(app.extensions["engine"]) as session:
        row = session.get(Opening, opening_id)
        assert row is not None
        service._set_panel(row, [lena.email], session)  # seats Lena and queues her mail
        session.rollback()
        assert inbox.messages == []
        session.get(Settings, 1).card_due_days = 3  # another change, committed
        session.commit()
        assert inbox.messages == []  # the rolled-back change's mail was dropped, not kept
        row = session.get(Opening, opening_id)
        service._set_panel(row, [lena.email], session)
        assert inbox.messages == []  # not before the commit
        session.commit()
    assert len(inbox.to(lena.email)) == 1


def test_a_refused_change_mails_nobody(app, db, inbox, make_user, make_opening, client_for):
    """The page's transaction helper rolls back a refused change: a panel naming someone who
    is no interviewer seats nobody, and mails nobody."""
    manager = make_user("hiring_manager")
    lena, outsider = make_user("interviewer"), make_user("leadership")
    response = new_opening_on_page(client_for(manager), "Refused", [lena.email, outsider.email])
    assert response.status_code == 400
    assert db.exec(select(Opening).where(Opening.title == "Refused")).first() is None
    assert inbox.messages == []


# --- Opting out -------------------------------------------------------------------------------


def test_each_kind_is_turned_off_on_the_profile_and_on_through_the_api(
    app, db, inbox, make_user, make_opening, make_candidate, client_for
):
    lena = make_user("interviewer")
    browser = client_for(lena)
    page = browser.get("/profile")
    assert page.status_code == 200
    assert page.text.count('type="checkbox"') == 3 and page.text.count("checked") == 3
    saved = post_form(
        browser, "/profile/email", {"mail-overdue": "y", "mail-cards_in": "y"}, page="/profile"
    )
    assert saved.status_code == 302
    after = browser.get("/profile").text
    assert re.search(r'id="mail-panel"[^>]*>', after) and "checked" not in re.search(
        r'<input[^>]*id="mail-panel"[^>]*>', after
    ).group(0)
    api = token_client(app, db, lena)
    assert api.get("/api/v1/profile/email").get_json() == {
        "panel": False,
        "overdue": True,
        "cards_in": True,
    }
    manager = make_user("hiring_manager")
    new_opening_on_page(client_for(manager), "While off", [lena.email])
    assert inbox.to(lena.email) == []
    turned = api.patch("/api/v1/profile/email", json={"panel": True})
    assert turned.status_code == 200 and turned.get_json()["panel"] is True
    new_opening_on_page(client_for(manager), "While on", [lena.email])
    assert [m["Subject"] for m in inbox.to(lena.email)] == [
        "You are on the interview panel for While on"
    ]


def test_a_manager_who_turned_cards_in_off_is_not_told(
    app, db, inbox, make_user, make_opening, make_candidate
):
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    notifications.set_mail_choices(manager.id, {"cards_in": False}, session=db)
    opening = make_opening(manager=manager, panel=[lena])
    submit_card(app, db, make_candidate(opening), lena)
    assert inbox.messages == []


def test_bad_email_choices_are_refused_and_change_nothing(app, db, make_user, client_for):
    lena = make_user("interviewer")
    api = token_client(app, db, lena)
    for body in ({"panel": "no"}, {"panel": None}, {"surprise": True}, {"panel": 1}):
        response = api.patch("/api/v1/profile/email", json=body)
        assert response.status_code == 422, body
        assert "panel" in str(response.get_json()) or "surprise" in str(response.get_json())
    assert api.get("/api/v1/profile/email").get_json() == {
        "panel": True,
        "overdue": True,
        "cards_in": True,
    }
    expired = client_for(lena).post("/profile/email", data={"mail-panel": "y"})
    assert expired.status_code == 400  # no CSRF token: refused, nothing changed
    assert notifications.mail_choices(lena.id, session=db).overdue is True


# --- Overdue reminders ------------------------------------------------------------------------


@pytest.fixture
def interviewed(
    db: Session, make_user: Callable[..., Any], make_opening: Callable[..., Any], make_candidate
) -> Callable[..., Any]:
    """interviewed(panelist, candidate, days_ago) sets the interview's day, as its manager."""

    def schedule(panelist: User, candidate: Any, days_ago: int) -> None:
        opening = db.get(Opening, candidate.opening_id)
        assert opening is not None
        manager = db.get(User, opening.hiring_manager_id)
        assert manager is not None
        day = date.today() - timedelta(days=days_ago)
        interviews.schedule_interviews(
            candidate.id, {panelist.id: day}, viewer=viewer_of(manager, db), session=db
        )
        db.commit()

    return schedule


def send_reminders(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["send-reminders", *args])


def test_an_overdue_card_is_reminded_of_once_with_a_link_to_write_it(
    app, db, inbox, make_user, make_opening, make_candidate, interviewed, client_for
):
    lena, igor, mei = (make_user("interviewer", name=n) for n in ("Lena", "Igor", "Mei"))
    opening = make_opening(panel=[lena, igor, mei], title="Data engineer")
    nadia = make_candidate(opening, name="Nadia Rahman", email="nadia.private@example.net")
    interviewed(lena, nadia, days_ago=2)  # due days: 2 by default, so overdue today
    interviewed(igor, nadia, days_ago=1)  # not yet
    interviewed(mei, nadia, days_ago=5)  # overdue, but her card is in
    submit_card(app, db, nadia, mei)
    first = send_reminders(app)
    assert first.exit_code == 0, first.output
    assert "Sent 1 reminder" in first.output
    [mail] = inbox.to(lena.email)
    assert inbox.to(igor.email) == [] and inbox.to(mei.email) == []
    assert mail["Subject"] == "Your scorecard for Nadia Rahman is overdue"
    text, html = parts(mail)
    assert "Data engineer" in text and "Nadia Rahman" in html
    assert "nadia.private" not in mail.as_string()
    card = f"{PUBLIC_URL}candidates/{nadia.id}/scorecard"
    assert card in links(mail)
    page = fetch(client_for(lena), card)
    assert page.status_code == 200 and "Nadia Rahman" in page.text
    # The same day again, and the next: nothing new. Igor's falls due tomorrow: his alone.
    assert "Sent 0" in send_reminders(app).output
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    later = send_reminders(app, "--today", tomorrow)
    assert later.exit_code == 0 and "Sent 1 reminder" in later.output
    assert len(inbox.to(lena.email)) == 1 and len(inbox.to(igor.email)) == 1
    assert len(db.exec(select(ReminderSent)).all()) == 2
    # Rescheduled, and overdue again: reminded of the new interview.
    interviewed(lena, nadia, days_ago=3)
    assert "Sent 1 reminder" in send_reminders(app).output
    assert len(inbox.to(lena.email)) == 2


def test_the_due_days_setting_and_the_reminder_choice_decide(
    app, db, inbox, make_user, make_opening, make_candidate, interviewed, client_for
):
    lena, igor = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(panel=[lena, igor])
    candidate = make_candidate(opening)
    interviewed(lena, candidate, days_ago=3)
    interviewed(igor, candidate, days_ago=3)
    notifications.set_mail_choices(igor.id, {"overdue": False}, session=db)
    admin = make_user("admin")
    patched = token_client(app, db, admin).patch("/api/v1/settings", json={"card_due_days": 4})
    assert patched.status_code == 200 and patched.get_json()["card_due_days"] == 4
    assert "Sent 0" in send_reminders(app).output
    page = client_for(admin)
    form = page.get("/admin/settings/").text
    assert 'name="card_due_days"' in form and 'value="4"' in form
    fields = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form)
        if name != "csrf_token"
    }
    fields["holidays"] = ""
    refused = post_form(page, "/admin/settings/", fields | {"card_due_days": "0"})
    assert refused.status_code == 400, refused.text
    assert "Number must be between 1 and 60" in refused.text
    saved = post_form(page, "/admin/settings/", fields | {"card_due_days": "3"})
    assert saved.status_code == 302
    assert "Sent 1 reminder" in send_reminders(app).output
    assert len(inbox.to(lena.email)) == 1 and inbox.to(igor.email) == []  # Igor opted out
    assert (
        token_client(app, db, admin)
        .patch("/api/v1/settings", json={"card_due_days": 61})
        .status_code
        == 422
    )


def test_send_reminders_needs_the_public_url(app, inbox):
    app.config["PUBLIC_URL"] = ""
    result = send_reminders(app)
    assert result.exit_code != 0 and "PUBLIC_URL" in result.output


# --- Without a server, and when it fails ------------------------------------------------------


def test_without_a_mail_server_the_whole_mail_goes_to_the_log(
    app, db, make_user, client_for, caplog
):
    app.config.update(MAIL_SERVER="", PUBLIC_URL=PUBLIC_URL)
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    with caplog.at_level(logging.INFO, logger="hiring.mail"):
        assert new_opening_on_page(client_for(manager), "Logged", [lena.email]).status_code == 302
    [record] = [r for r in caplog.records if r.name == "hiring.mail"]
    logged = record.getMessage()
    assert "MAIL_SERVER is not set" in logged
    assert f"To: {lena.name} <{lena.email}>" in logged
    assert "Subject: You are on the interview panel for Logged" in logged
    assert "text/plain" in logged and "text/html" in logged


def test_a_mail_server_that_is_down_does_not_undo_or_fail_the_change(
    app, db, make_user, make_opening, make_candidate, interviewed, client_for, caplog
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), PUBLIC_URL=PUBLIC_URL)
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    with caplog.at_level(logging.INFO, logger="hiring.mail"):
        response = new_opening_on_page(client_for(manager), "Saved anyway", [lena.email])
    assert response.status_code == 302
    opening = db.exec(select(Opening).where(Opening.title == "Saved anyway")).one()
    assert opening.id is not None
    assert any("could not send mail" in r.getMessage() for r in caplog.records)
    # A reminder that could not go out is tried again by the next run.
    candidate = make_candidate(
        service.get_opening(opening.id, viewer=viewer_of(manager, db), session=db)
    )
    interviewed(lena, candidate, days_ago=2)
    failed = send_reminders(app)
    assert failed.exit_code != 0 and "could not be sent" in failed.output
    db.rollback()
    assert db.exec(select(ReminderSent)).all() == []


def test_a_server_that_refuses_the_mail_leaves_the_card_submitted_and_retries_reminders(
    app, db, inbox, make_user, make_opening, make_candidate, interviewed, caplog
):
    manager = make_user("hiring_manager")
    lena, igor = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(manager=manager, panel=[lena, igor])
    candidate = make_candidate(opening)
    interviewed(igor, candidate, days_ago=2)
    inbox.refuse = True
    with caplog.at_level(logging.INFO, logger="hiring.mail"):
        submit_card(app, db, candidate, lena)
        response = token_client(app, db, igor).post(
            f"/api/v1/candidates/{candidate.id}/scorecards",
            json={"ratings": {"data": 2}, "recommendation": "no", "submit": True},
        )
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert any("refused the mail" in r.getMessage() for r in caplog.records)
    assert inbox.messages == []
    # A refused reminder is forgotten, and sent by the next run once the server takes it.
    other = make_candidate(opening)
    interviewed(igor, other, days_ago=2)
    assert send_reminders(app).exit_code != 0
    inbox.refuse = False
    assert "Sent 1 reminder" in send_reminders(app).output
    assert len(inbox.to(igor.email)) == 1


def test_the_demo_mails_nobody(app, inbox, tmp_path):
    """The demo seats panels and submits cards for made-up people: none of it is mailed
    (its own SQLite file, as the demo migrates an empty database)."""
    demo = create_app(TestConfig(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "demo"))
    demo.config.update({k: v for k, v in app.config.items() if k.startswith(("MAIL_", "PUB"))})
    try:
        result = demo.test_cli_runner().invoke(args=["demo", "--password", "demo password 1"])
        assert result.exit_code == 0, result.output
        with Session(demo.extensions["engine"]) as session:
            assert session.exec(select(ReminderSent)).all() == []
            assert len(session.exec(select(Opening)).all()) >= 1
    finally:
        demo.extensions["engine"].dispose()
    assert inbox.messages == []
    # The same made-up panel, seated by a person, is told.
    with demo.app_context(), Session(demo.extensions["engine"]) as session:
        opening = session.exec(select(Opening)).first()
        lena = session.exec(select(User).where(User.email == "interviewer@example.com")).one()
        assert opening is not None
        session.exec(delete(PanelSeat).where(col(PanelSeat.user_id) == lena.id))
        service._set_panel(opening, [lena.email], session)
        session.commit()
    demo.extensions["engine"].dispose()
    assert len(inbox.to("interviewer@example.com")) == 1


# --- STARTTLS, the certificate and the login -------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    """A test CA and the server certificate it signed (PEM files)."""

    ca: Path
    server_cert: Path
    server_key: Path


def _openssl(folder: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A CA made for this run, and a certificate it signed for the server at 127.0.0.1 (by the
    openssl command: the `cryptography` package is no dependency of ours)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("mail-tls")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        folder, "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Hiring test mail CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl(
        folder, "req", "-new", *key, "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1",
    )  # fmt: skip
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
    )
    _openssl(
        folder, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-set_serial", "2", "-days", "2", "-out", "server.pem", "-extfile", "server.ext",
    )  # fmt: skip
    return Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")


@dataclass
class MailServer:
    """A running test SMTP server: its port, what it received, and each login tried on it
    (the login name, and whether it came after STARTTLS)."""

    port: int
    inbox: Inbox = field(default_factory=Inbox)
    logins: list[tuple[str, bool]] = field(default_factory=list)


@pytest.fixture
def mail_servers(certificates: Certificates) -> Iterator[Callable[..., MailServer]]:
    """start(starttls=...) -> a real SMTP server on a loopback port that requires a login.

    With starttls it offers STARTTLS with the test CA's certificate and takes neither a login
    nor a mail before it (aiosmtpd's require_starttls and auth_require_tls); without, it offers
    no STARTTLS at all, as a misconfigured server would.
    """
    controllers: list[Controller] = []

    def start(*, starttls: bool) -> MailServer:
        server = MailServer(port=_free_port())

        def authenticate(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any):
            if not isinstance(data, LoginPassword):
                return AuthResult(success=False, handled=False)
            server.logins.append((data.login.decode(), session.ssl is not None))
            right = (SMTP_USER.encode(), SMTP_PASSWORD.encode())
            # handled=False: aiosmtpd itself answers a wrong password with 535.
            return AuthResult(success=(data.login, data.password) == right, handled=False)

        tls: dict[str, Any] = {"auth_require_tls": False}
        if starttls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certificates.server_cert, certificates.server_key)
            tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        controller = Controller(
            server.inbox,
            hostname="127.0.0.1",
            port=server.port,
            authenticator=authenticate,
            auth_required=True,
            **tls,
        )
        controller.start()
        controllers.append(controller)
        return server

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


def use(app: Flask, server: MailServer, certificates: Certificates, **config: Any) -> None:
    """Point the app at `server` as production would: STARTTLS, the login, the test CA."""
    app.config.update(
        {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": server.port,
            "MAIL_USE_TLS": True,
            "MAIL_CA_FILE": str(certificates.ca),
            "MAIL_USERNAME": SMTP_USER,
            "MAIL_PASSWORD": SMTP_PASSWORD,
            "MAIL_FROM": "Team gaps <hiring@example.org>",
            "PUBLIC_URL": PUBLIC_URL,
        }
        | config
    )


def mail_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hiring.mail"]


def test_mail_goes_over_starttls_with_the_login_after_the_certificate_is_verified(
    app, db, mail_servers, certificates, make_user, client_for
):
    server = mail_servers(starttls=True)
    use(app, server, certificates)
    manager = make_user("hiring_manager")
    lena = make_user("interviewer", name="Lena Interviewer")
    assert new_opening_on_page(client_for(manager), "Over TLS", [lena.email]).status_code == 302
    [mail] = server.inbox.to(lena.email)
    assert mail["Subject"] == "You are on the interview panel for Over TLS"
    text, html = parts(mail)
    assert "Over TLS" in text and "Over TLS" in html
    assert server.inbox.over_tls == [True]
    assert server.logins == [(SMTP_USER, True)]  # one login, after STARTTLS


def test_the_tls_server_gets_nothing_unless_its_certificate_verifies_and_tls_is_asked(
    app, db, mail_servers, certificates, make_user, client_for, caplog
):
    """The server is the one the test above mails: what fails here is the client's checks
    (or, without MAIL_USE_TLS, the server refusing a login in the clear)."""
    server = mail_servers(starttls=True)
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    cases = {
        # The system's CAs do not know the test CA.
        "not trusted": ({"MAIL_CA_FILE": ""}, "the server's certificate is not trusted"),
        # Trusted, but the certificate names 127.0.0.1, not localhost.
        "another name": (
            {"MAIL_SERVER": "localhost"},
            "the server's certificate is not trusted (Hostname mismatch",
        ),
        # No STARTTLS asked: this server offers no login before it.
        "in the clear": ({"MAIL_USE_TLS": False}, "SMTP AUTH extension not supported"),
    }
    for n, (case, (config, reason)) in enumerate(cases.items()):
        use(app, server, certificates, **config)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="hiring.mail"):
            title = f"Refused {n}"
            response = new_opening_on_page(client_for(manager), title, [lena.email])
        assert response.status_code == 302, case
        db.rollback()  # end the last read's transaction, to see the page's commit
        assert db.exec(select(Opening.id).where(Opening.title == title)).one(), case
        [logged] = mail_log(caplog)
        assert logged.startswith(f"could not send mail through {config.get('MAIL_SERVER', '127')}")
        assert reason in logged, (case, logged)
    assert server.logins == [] and server.inbox.messages == []


def test_a_server_without_starttls_is_sent_nothing_and_reminders_wait_for_one_with_it(
    app,
    db,
    mail_servers,
    certificates,
    make_user,
    make_opening,
    make_candidate,
    interviewed,
    client_for,
    caplog,
):
    plain = mail_servers(starttls=False)
    use(app, plain, certificates)
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    with caplog.at_level(logging.INFO, logger="hiring.mail"):
        response = new_opening_on_page(client_for(manager), "No STARTTLS", [lena.email])
    assert response.status_code == 302
    assert db.exec(select(Opening.id).where(Opening.title == "No STARTTLS")).one()
    [logged] = mail_log(caplog)
    assert logged == (
        f"could not send mail through 127.0.0.1:{plain.port}: the server does not offer "
        "STARTTLS, which MAIL_USE_TLS requires; nothing was sent, not even the login"
    )
    # The server would have taken the login in the clear: it was never sent.
    assert plain.logins == [] and plain.inbox.messages == []
    # A reminder that could not go out is forgotten, and sent once the server offers STARTTLS.
    opening = make_opening(manager=manager, panel=[lena], title="Reminded")
    candidate = make_candidate(opening, name="Nadia Rahman")
    interviewed(lena, candidate, days_ago=2)
    failed = send_reminders(app)
    assert failed.exit_code != 0 and "1 reminder(s) could not be sent" in failed.output
    db.rollback()
    assert db.exec(select(ReminderSent)).all() == []
    assert plain.logins == [] and plain.inbox.messages == []
    secure = mail_servers(starttls=True)
    use(app, secure, certificates)
    sent = send_reminders(app)
    assert sent.exit_code == 0 and "Sent 1 reminder" in sent.output
    [reminder] = secure.inbox.to(lena.email)
    assert reminder["Subject"] == "Your scorecard for Nadia Rahman is overdue"
    assert secure.inbox.over_tls == [True] and secure.logins == [(SMTP_USER, True)]


def test_a_wrong_password_is_logged_without_it_and_no_page_fails(
    app, db, mail_servers, certificates, make_user, make_candidate, client_for, caplog
):
    server = mail_servers(starttls=True)
    use(app, server, certificates, MAIL_PASSWORD="not-the-smtp-password")
    manager = make_user("hiring_manager")
    lena = make_user("interviewer")
    browser = client_for(manager)
    with caplog.at_level(logging.INFO, logger="hiring.mail"):
        # Seating a panel on the page (the panel mail) ...
        assert new_opening_on_page(browser, "Wrong login", [lena.email]).status_code == 302
        opening_id = db.exec(select(Opening.id).where(Opening.title == "Wrong login")).one()
        opening = service.get_opening(opening_id, viewer=viewer_of(manager, db), session=db)
        candidate = make_candidate(opening, name="Yuki Tanaka")
        db.commit()
        # ... and the panel's only card submitted on the page (every card in: the manager's).
        submitted = submit_through_page(client_for(lena), candidate.id)
    assert submitted.status_code == 302
    db.rollback()
    assert refused_logins(mail_log(caplog)) == 2
    assert "not-the-smtp-password" not in caplog.text
    # Each attempt was made over TLS, with the configured name; nothing was delivered.
    assert server.logins and set(server.logins) == {(SMTP_USER, True)}
    assert server.inbox.messages == []
    for url in (
        "/",
        f"/openings/{opening_id}",
        f"/openings/{opening_id}/panel",
        f"/candidates/{candidate.id}",
    ):
        assert browser.get(url, follow_redirects=True).status_code == 200, url
    assert client_for(lena).get(f"/candidates/{candidate.id}/scorecard").status_code == 200


def refused_logins(messages: list[str]) -> int:
    """How many logged failures say the login was refused, with the server's reply."""
    refused = "the server refused the login of mailer (MAIL_USERNAME, MAIL_PASSWORD): 535"
    return sum(1 for m in messages if m.startswith("could not send mail") and refused in m)


def test_the_ca_file_is_read_from_the_environment_and_must_exist(
    certificates, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_CA_FILE", str(certificates.ca))
    settings = _mail_settings()
    assert settings["MAIL_USE_TLS"] is True and settings["MAIL_CA_FILE"] == str(certificates.ca)
    monkeypatch.setenv("MAIL_CA_FILE", str(certificates.ca.parent / "missing.pem"))
    with pytest.raises(ValueError, match="MAIL_CA_FILE names no file"):
        _mail_settings()


# --- The migration ----------------------------------------------------------------------------


def test_the_mail_revision_goes_down_and_up_again_keeping_the_users(empty_database_url, tmp_path):
    """0014 undoes cleanly with rows in its tables, and comes back matching the models, with
    the setting's default for an existing settings row, on SQLite and PostgreSQL."""
    url = empty_database_url
    app = create_app(TestConfig(url, tmp_path))
    try:
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    finally:
        app.extensions["engine"].dispose()
    engine = make_engine(url)

    def migrate(revision: str, *, down: bool = False) -> None:
        migrate_to(engine, url, revision, down=down)

    try:
        with Session(engine) as session:
            user = accounts.create_user(
                "old@example.com",
                "Old",
                ["interviewer"],
                "a long pass phrase here",
                session=session,
            )
            notifications.set_mail_choices(user.id, {"panel": False}, session=session)
        migrate("0013", down=True)
        tables = set(inspect(engine).get_table_names())
        assert not {"mail_opt_out", "reminder_sent"} & tables
        assert "card_due_days" not in {c["name"] for c in inspect(engine).get_columns("settings")}
        migrate("head")
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert diff == []
        with Session(engine) as session:
            settings = session.get(Settings, 1)
            assert settings is not None and settings.card_due_days == 2
            assert notifications.mail_choices(user.id, session=session).panel is True
    finally:
        engine.dispose()
