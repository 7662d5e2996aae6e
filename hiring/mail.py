"""Sending the mails `hiring.notifications` queues: SMTP configured from the environment, or the
log when no server is configured.

Each mail has a plain-text part and an HTML alternative, both from templates/mail/, with
absolute links: the base is PUBLIC_URL, else the host of the request that made the change
(checked against TRUSTED_HOSTS when that is set). A command run from cron has no request, so
`flask send-reminders` needs PUBLIC_URL.

Mail goes out after the change is committed, so a mail server that is down or refuses a
message cannot undo a saved change, nor turn its page into an error: the failure is logged
(logger "hiring.mail") and the change stands. Without MAIL_SERVER, every mail is written whole
to that logger, so a developer sees what would have been sent.

With MAIL_USE_TLS the connection is upgraded by STARTTLS before the login, and the server's
certificate is verified, its name included, against the system's CAs or, when MAIL_CA_FILE is
set, only against the CA(s) in that file (a company's own CA). A server that does not offer
STARTTLS, or whose certificate does not verify, gets nothing: not the login, not a mail.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any
from urllib.parse import urljoin

from flask import Flask, current_app, has_app_context, has_request_context, request
from flask.logging import default_handler

from hiring import notifications
from hiring.notifications import Notice

log = logging.getLogger("hiring.mail")

SUBJECTS = {
    "panel": "You are on the interview panel for {opening}",
    "overdue": "Your scorecard for {candidate} is overdue",
    "cards_in": "Every scorecard for {candidate} is in",
}


class MailError(Exception):
    """A mail that cannot be made (no base URL for its links)."""


class MailServerError(smtplib.SMTPException):
    """The mail server could not be used at all, said in words an operator acts on (which
    setting to check), rather than smtplib's bare reply."""


def base_url() -> str:
    """Where the links in a mail point: PUBLIC_URL, else the current request's root."""
    configured = current_app.config.get("PUBLIC_URL") or ""
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context():
        return request.url_root
    raise MailError("PUBLIC_URL is not set, and there is no request to take the host from")


def absolute(root: str, endpoint: str, values: dict[str, Any]) -> str:
    """A page's absolute URL under `root` (built without a request, as cron has none)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return urljoin(root, path.lstrip("/"))


def build_message(notice: Notice, root: str) -> EmailMessage:
    """The mail for one notice: subject, sender, recipient, a text part and an HTML part."""
    endpoint, values = notice.link
    context = {
        "notice": notice,
        "link": absolute(root, endpoint, dict(values)),
        "profile_link": absolute(root, "auth.profile", {}),
        "cards_link": absolute(root, "candidates.my_cards", {}),
    }
    env = current_app.jinja_env  # autoescapes .html, not .txt
    text = env.get_template(f"mail/{notice.kind}.txt").render(context)
    html = env.get_template(f"mail/{notice.kind}.html").render(context)
    message = EmailMessage()
    message["Subject"] = SUBJECTS[notice.kind].format(
        opening=notice.opening_title, candidate=notice.candidate_name
    )
    message["From"] = current_app.config.get("MAIL_FROM") or "hiring@localhost"
    message["To"] = Address(display_name=notice.to_name, addr_spec=notice.to_email)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def readable(message: EmailMessage) -> str:
    """The whole message as a person reads it: headers, then each part decoded (the wire's
    quoted-printable would break every line and every accented name)."""
    lines = [f"{name}: {value}" for name, value in message.items()]
    for part in message.iter_parts():
        lines += ["", f"----- {part.get_content_type()} -----", part.get_content().rstrip()]
    return "\n".join(lines)


def tls_context(config: dict[str, Any]) -> ssl.SSLContext:
    """How STARTTLS checks the server: its certificate and name, against the system's CAs, or
    only those in MAIL_CA_FILE when set (a private CA the system does not know)."""
    return ssl.create_default_context(cafile=config.get("MAIL_CA_FILE") or None)


def _connect(config: dict[str, Any]) -> smtplib.SMTP:
    """A connection ready to send: STARTTLS first when MAIL_USE_TLS (so the login never goes
    in the clear), then the login; each failure is a MailServerError naming its setting."""
    smtp = smtplib.SMTP(
        config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=config["MAIL_TIMEOUT"]
    )
    try:
        if config.get("MAIL_USE_TLS"):
            try:
                smtp.starttls(context=tls_context(config))
            except smtplib.SMTPNotSupportedError as error:
                raise MailServerError(
                    "the server does not offer STARTTLS, which MAIL_USE_TLS requires; "
                    "nothing was sent, not even the login"
                ) from error
            except ssl.SSLCertVerificationError as error:
                raise MailServerError(
                    f"the server's certificate is not trusted ({error.verify_message}); "
                    "MAIL_CA_FILE names the CA to trust for a private one"
                ) from error
        if config.get("MAIL_USERNAME"):
            try:
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            except smtplib.SMTPAuthenticationError as error:
                said = error.smtp_error  # bytes from the server; typeshed allows str too
                reply = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
                raise MailServerError(
                    f"the server refused the login of {config['MAIL_USERNAME']} "
                    f"(MAIL_USERNAME, MAIL_PASSWORD): {error.smtp_code} {reply}"
                ) from error
    except BaseException:
        smtp.close()
        raise
    return smtp


def send(messages: Sequence[tuple[Notice, EmailMessage]]) -> list[Notice]:
    """Send the messages over one SMTP connection (or log them); those that failed."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        for _notice, message in messages:
            log.info("MAIL_SERVER is not set; this mail was not sent:\n%s", readable(message))
        return []
    failed: list[Notice] = []
    sent = 0
    try:
        with _connect(config) as smtp:
            for notice, message in messages:
                try:
                    smtp.send_message(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
                    # This message refused (its recipient, say); the connection goes on.
                    log.exception("the mail server refused the mail to %s", notice.to_email)
                    failed.append(notice)
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        log.exception(
            "could not send mail through %s:%s: %s",
            config["MAIL_SERVER"],
            config.get("MAIL_PORT") or 25,
            error,
        )
        failed.extend(notice for notice, _ in messages[sent:])
    return failed


def deliver(notices: Sequence[Notice]) -> list[Notice]:
    """Make and send the committed notices; those that could not be sent (logged).

    Called from the database session's commit: it never raises, since whatever fails here
    happens after the change is saved and must not make the page that saved it fail. Outside
    the app (a script using the services directly) there is no mail configuration: nothing
    is sent.
    """
    if not has_app_context():
        log.info("%d mail(s) not sent: the services ran outside the app", len(notices))
        return []
    try:
        root = base_url()
        return send([(notice, build_message(notice, root)) for notice in notices])
    except Exception:  # after commit: log it, never undo or fail the saved change
        log.exception("could not make %d mail(s); none sent", len(notices))
        return list(notices)


def init_app(app: Flask) -> None:
    """Deliver committed notices through this module, and let the log fallback be seen: the
    mail logger writes INFO to stderr like the app's own logger, unless logging is set up."""
    notifications.set_delivery(deliver)
    if log.level == logging.NOTSET and not log.handlers:
        log.setLevel(logging.INFO)
        log.addHandler(default_handler)
