"""The account page, the digest's unsubscribe link, the calendar feed and the API tokens."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.account import bp
from crm.account.forms import ApiTokenForm, DigestKindForm, FeedForm, RevokeTokenForm, UnsubscribeForm
from crm.extensions import db, limiter
from crm.forms import submit
from crm.i18n import current_language, in_language
from crm.models import ApiToken, DigestKind
from crm.permissions import SCOPES, scopes_for
from crm.services import ValidationError, second_factor
from crm.services.api_tokens import create_token, revoke_token, tokens_of
from crm.services.auth import step_up
from crm.services.calendar_feed import calendar_for, create_feed, feed_of, revoke_feed, user_for_token
from crm.services.digest import UnsubscribeError, opted_out, read_unsubscribe_token, set_digest_kind
from crm.timeutil import utcnow
from crm.unit_of_work import keep_writes

FEED_SESSION_KEY = "show_calendar_url"


def _public_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/konto")
@allow("account.settings")
def index():
    """Show what the daily digest holds (each kind on or off) and the calendar feed."""
    token = session.pop(FEED_SESSION_KEY, None)
    feed_url = url_for("account.calendar_feed", feed_token=token, _external=True) if token else None
    return render_template("account/index.html", kinds=list(DigestKind), off=opted_out(current_user),
                           kind_form=DigestKindForm(), feed_form=FeedForm(), feed=feed_of(current_user),
                           feed_url=feed_url)


@bp.route("/konto/overblik", methods=["POST"])
@allow("account.settings")
def set_digest():
    """Turn one kind of the daily digest on or off."""
    form = DigestKindForm()
    back = url_for("account.index")

    def _change():
        kind = DigestKind(form.kind.data)
        enabled = form.enabled.data == "1"
        set_digest_kind(current_user, kind, enabled=enabled)
        return kind, enabled

    return submit(form, _change, redirect_to=back, on_error=back,
                  success=lambda done: (_("«%(kind)s» er slået til i dit daglige overblik.", kind=done[0].label)
                                        if done[1] else
                                        _("«%(kind)s» er slået fra i dit daglige overblik.", kind=done[0].label)))


@bp.route("/konto/kalender", methods=["POST"])
@allow("account.settings")
def make_feed():
    """Make the private calendar URL (a new one stops the old from working)."""
    back = url_for("account.index")

    def _make():
        session[FEED_SESSION_KEY] = create_feed(current_user)

    return submit(FeedForm(), _make, redirect_to=back, on_error=back,
                  success=_("Dit kalenderlink er lavet. Kopiér det nu – det vises kun denne ene gang."))


@bp.route("/konto/kalender/tilbagekald", methods=["POST"])
@allow("account.settings")
def revoke():
    """Stop the private calendar URL from working."""
    back = url_for("account.index")
    return submit(FeedForm(), lambda: revoke_feed(current_user), redirect_to=back, on_error=back,
                  success=lambda had: _("Kalenderlinket virker ikke længere.") if had
                  else _("Du havde intet kalenderlink."))


@bp.route("/overblik/afmeld/<unsubscribe_token>", methods=["GET", "POST"])
@limiter.limit(_public_rate_limit)
def unsubscribe(unsubscribe_token: str):
    """Public: the signed link under a heading of the digest turns that kind off (after one click)."""
    try:
        user, kind = read_unsubscribe_token(unsubscribe_token)
    except UnsubscribeError as exc:
        return render_template("account/unsubscribe.html", message=exc.message), 404
    # The link speaks for its user: in their own language, as a page they were signed in to would.
    with in_language(user.language or current_language()):
        if request.method == "POST":
            here = url_for("account.unsubscribe", unsubscribe_token=unsubscribe_token)
            return submit(UnsubscribeForm(), lambda: set_digest_kind(user, kind, enabled=False, actor=user),
                          success=_("Du får ikke længere «%(kind)s» i dit daglige overblik.", kind=kind.label),
                          redirect_to=here, on_error=here)
        return render_template("account/unsubscribe.html", kind=kind, form=UnsubscribeForm(),
                               off=kind in opted_out(user), message=None)


@bp.route("/kalender/<feed_token>.ics")
@limiter.limit(_public_rate_limit)
def calendar_feed(feed_token: str):
    """Public: the user's calendar (ICS); the secret token in the URL is the key, 404 otherwise."""
    user = user_for_token(feed_token)
    if user is None:
        abort(404)
    data = calendar_for(user, tasks_url=url_for("tasks.mine", _external=True))
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="fodfaeste.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/konto/api-noegler", methods=["GET", "POST"])
@allow("account.api_tokens")
def api_tokens():
    """List one's API tokens; make a new one (shown once) after the password and second factor."""
    user = current_user._get_current_object()
    form = ApiTokenForm()
    form.scopes.choices = [(scope, f"{scope} – {SCOPES[scope][0]}") for scope in scopes_for(user)]
    asks_code = second_factor.required_for(user)
    made, status = None, 200
    if form.validate_on_submit():
        problem = step_up(user, form.password.data, form.code.data if asks_code else None)
        if problem:
            keep_writes()  # the failed attempt counts towards the lockout
            flash(problem, "error")
            status = 401
        else:
            try:
                made = create_token(user, name=form.name.data, scopes=form.scopes.data, days=form.days.data,
                                    actor=user)
            except ValidationError as exc:
                flash(exc.message, "error")
                status = 422
    return render_template("account/api_tokens.html", form=form, asks_code=asks_code, made=made,
                           tokens=tokens_of(user), revoke_form=RevokeTokenForm(), now=utcnow()), status


@bp.route("/konto/api-noegler/<int:token_id>/tilbagekald", methods=["POST"])
@allow("account.api_tokens")
def revoke_api_token(token_id: int):
    """Stop one of one's own API tokens at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if RevokeTokenForm().validate_on_submit():
        revoke_token(token, actor=current_user._get_current_object())
        flash(_("Nøglen «%(name)s» er tilbagekaldt.", name=token.name), "success")
    return redirect(url_for("account.api_tokens"))
