"""Results contracts: payment rules, achieved and verified results, invoices, payments and the
investor report.

Counting rules:

- A borger *achieves* a rule's result on the date of their first outcome event of one of the
  rule's evidence kinds, recorded for the contract's programme, between the contract's start and
  the rule's deadline (the contract's end when it has none). One result per borger per rule.
- At most ``cap`` results of a rule earn its amount: the first ones by date. Verification refuses
  a result beyond the cap, so verified amounts never pass it.
- *Verified*: an admin has recorded the verification (who, when, which outcome event). The month
  of a verification is the Danish date it was recorded. *Invoiced*: the result is on an invoice
  (the invoice's date); *paid*: that invoice is paid (the payment's date). *Outstanding* at a
  month's end is what has been verified by then and not yet paid.
- *Forecast at today's pace*: the results achieved so far, spread over the part of the rule's
  window that has passed, carried on to the window's end (rounded down, capped), times the amount.

Privacy: the contract page (staff) shows aggregates and amounts only. The investor report names
a result by its pseudonym (``ResultVerification.reference``), never by the borger's name or own
reference, and hides counts of 1–4 through ``mask_count`` as the dashboards do. Amounts are shown:
they are what the investor is paid.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import format_number, money, short_date
from crm.models import Borger, OutcomeEvent, Programme
from crm.models.contract import PaymentRule, ResultInvoice, ResultsContract, ResultVerification
from crm.models.programme import OUTCOME_LABELS, OutcomeKind
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.report_export import Sheet, export_sheets_xlsx
from crm.services.reports.figures import _month_start, mask_count
from crm.services.reports.tables import Row, Table, month_label
from crm.timeutil import add_months, to_local, today

MAX_AMOUNT = 100_000_000  # kroner; far above any social impact investment in the seeds (3 mio.)
MAX_CAP = 100_000
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
PSEUDONYM_LENGTH = 6
NO_CONTRACT = _l("Indsatsen har ingen resultatkontrakt.")


def evidence_choices() -> list[tuple[str, str]]:
    """Outcome kinds a payment rule may take as evidence, with their labels in the reader's language."""
    return [(kind.value, OUTCOME_LABELS[kind]) for kind in OutcomeKind]


def contract_for(programme: Programme) -> ResultsContract | None:
    return db.session.scalar(sa.select(ResultsContract).where(ResultsContract.programme_id == programme.id))


def format_kroner(value: int | None) -> str:
    """An amount in the reader's language: "1.250.000 kr." / "1,250,000 kr."; "–" for None."""
    if value is None:
        return "–"
    return money(value)


# --- creating and changing a contract -----------------------------------------------------------


def _text(data: dict, key: str, *, max_length: int, required: str | None = None) -> str:
    value = " ".join(str(data.get(key) or "").split())
    if required and not value:
        raise ValidationError(required, field=key)
    return value[:max_length]


def _whole(value, *, field_name: str, message: str, maximum: int, allow_none: bool = False) -> int | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = int(str(value).strip().replace(".", ""))
    except (TypeError, ValueError):
        raise ValidationError(message, field=field_name) from None
    if not 1 <= number <= maximum:
        raise ValidationError(message, field=field_name)
    return number


def _validated_rules(rows, *, starts_on: date, ends_on: date) -> list[dict]:
    known = {kind.value for kind in OutcomeKind}
    rules = []
    for row in rows or []:
        label = " ".join(str(row.get("label") or "").split())
        if not label:
            continue  # an empty row in the form
        evidence = [kind for kind in (row.get("evidence") or []) if kind]
        if not evidence:
            raise ValidationError(_("Vælg mindst én hændelse, der dokumenterer resultatet."), field="rules")
        if any(kind not in known for kind in evidence):
            raise ValidationError(_("Ukendt hændelse i en betalingsregel."), field="rules")
        amount = _whole(row.get("amount"), field_name="rules", maximum=MAX_AMOUNT,
                        message=_("Angiv beløbet pr. resultat i hele kroner (over 0)."))
        cap = _whole(row.get("cap"), field_name="rules", maximum=MAX_CAP, allow_none=True,
                     message=_("Loftet skal være et helt antal resultater over 0."))
        deadline = row.get("deadline") or None
        if deadline is not None and not (isinstance(deadline, date) and starts_on <= deadline <= ends_on):
            raise ValidationError(_("En frist skal ligge i kontraktens periode."), field="rules")
        rules.append({"label": label[:160], "amount": amount, "cap": cap, "deadline": deadline,
                      "evidence": [kind.value for kind in OutcomeKind if kind in evidence],
                      "verifier": _text(row, "verifier", max_length=120)})
    if not rules:
        raise ValidationError(_("Angiv mindst én betalingsregel."), field="rules")
    return rules


def _validated(data: dict) -> dict:
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, date):
        raise ValidationError(_("Angiv kontraktens startdato."), field="starts_on")
    if not isinstance(ends_on, date):
        raise ValidationError(_("Angiv kontraktens slutdato."), field="ends_on")
    if ends_on <= starts_on:
        raise ValidationError(_("Slutdatoen skal ligge efter startdatoen."), field="ends_on")
    return {
        "municipality": _text(data, "municipality", max_length=120, required=_("Angiv kommunen (myndigheden).")),
        "investor": _text(data, "investor", max_length=120, required=_("Angiv investoren.")),
        "operator": _text(data, "operator", max_length=120, required=_("Angiv leverandøren (operatøren).")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "investment": _whole(data.get("investment"), field_name="investment", maximum=MAX_AMOUNT,
                             message=_("Angiv investeringen i hele kroner (over 0).")),
        "rules": _validated_rules(data.get("rules"), starts_on=starts_on, ends_on=ends_on),
    }


def save_contract(programme: Programme, data: dict, *, actor) -> ResultsContract:
    """Create the programme's contract, or change it. Raises ValidationError.

    A rule is kept (matched by position) while its results are verified; only its wording, amount,
    cap, deadline, evidence and verifier change. A rule with verified results cannot be removed.
    """
    clean = _validated(data)
    rules = clean.pop("rules")
    contract = contract_for(programme)
    created = contract is None
    if created:
        contract = ResultsContract(programme_id=programme.id, **clean)
        db.session.add(contract)
    else:
        for key, value in clean.items():
            setattr(contract, key, value)
    existing = list(contract.rules)
    for dropped in existing[len(rules):]:
        if _verified_count(dropped):
            raise ValidationError(_("Reglen „%(rule)s“ har verificerede resultater og kan ikke fjernes.",
                                    rule=dropped.label),
                                  field="rules")
        contract.rules.remove(dropped)
    for position, values in enumerate(rules):
        if position < len(existing):
            rule = existing[position]
            if rule.cap is not None and values["cap"] is not None and values["cap"] < _verified_count(rule):
                raise ValidationError(_("Loftet kan ikke sættes under antallet af verificerede resultater."),
                                      field="rules")
            for key, value in values.items():
                setattr(rule, key, value)
            rule.position = position
        else:
            contract.rules.append(PaymentRule(position=position, **values))
    db.session.flush()
    record_event("contract.create" if created else "contract.update", "programme", programme.id, actor=actor,
                 details={"contract_id": contract.id, "rules": len(rules), "investment": contract.investment})
    return contract


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """A borger's first evidence event for a rule (for the verification page: the borger's own
    reference, never the name)."""

    rule_id: int
    borger_id: int
    borger_reference: str
    event_id: int
    kind: str
    on_date: date
    note: str

    @property
    def kind_label(self) -> str:
        return str(OUTCOME_LABELS[OutcomeKind(self.kind)])


def rule_window(rule: PaymentRule) -> tuple[date, date]:
    contract = rule.contract
    return contract.starts_on, min(rule.deadline or contract.ends_on, contract.ends_on)


def achieved_results(rule: PaymentRule, *, as_of: date | None = None) -> list[Result]:
    """Each borger's first evidence event for the rule within its window, by date (then event id)."""
    as_of = as_of or today()
    first, last = rule_window(rule)
    rows = db.session.execute(
        sa.select(OutcomeEvent, Borger.reference)
        .join(Borger, Borger.id == OutcomeEvent.borger_id)
        .where(
            OutcomeEvent.programme_id == rule.contract.programme_id,
            OutcomeEvent.kind.in_(rule.evidence or []),
            OutcomeEvent.on_date >= first,
            OutcomeEvent.on_date <= min(last, as_of),
        )
        .order_by(OutcomeEvent.on_date, OutcomeEvent.id)
    ).tuples()
    results: dict[int, Result] = {}
    for event, reference in rows:
        if event.borger_id not in results:
            results[event.borger_id] = Result(rule.id, event.borger_id, reference, event.id, event.kind,
                                              event.on_date, event.note)
    return list(results.values())


def _verified_count(rule: PaymentRule) -> int:
    if rule.id is None:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ResultVerification).where(ResultVerification.rule_id == rule.id)
    )


def verifications(contract: ResultsContract) -> list[ResultVerification]:
    return list(db.session.scalars(
        sa.select(ResultVerification).join(PaymentRule)
        .where(PaymentRule.contract_id == contract.id)
        .order_by(ResultVerification.verified_at, ResultVerification.id)
    ))


def pending_results(contract: ResultsContract, *, as_of: date | None = None) -> list[Result]:
    """Achieved results not verified yet, rule by rule, the oldest first."""
    verified = {(v.rule_id, v.borger_id) for v in verifications(contract)}
    return [r for rule in contract.rules for r in achieved_results(rule, as_of=as_of)
            if (rule.id, r.borger_id) not in verified]


def _new_pseudonym() -> str:
    while True:
        reference = "R-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))
        taken = db.session.scalar(sa.select(ResultVerification.id).where(ResultVerification.reference == reference))
        if taken is None:
            return reference


def verify_result(rule: PaymentRule, borger_id: int | None, *, actor, note: str = "") -> ResultVerification:
    """Record that the borger's result under the rule is verified against its evidence event.

    Audited in the borger's trail (who, when, which evidence). Raises ValidationError when the
    borger has no result under the rule, it is verified already, or the rule's cap is reached.
    """
    result = next((r for r in achieved_results(rule) if r.borger_id == borger_id), None)
    if result is None:
        raise ValidationError(_("Borgeren har ikke et resultat, der dokumenterer denne regel."))
    done = db.session.scalar(sa.select(ResultVerification.id).where(
        ResultVerification.rule_id == rule.id, ResultVerification.borger_id == borger_id))
    if done is not None:
        raise ValidationError(_("Resultatet er allerede verificeret."))
    if rule.cap is not None and _verified_count(rule) >= rule.cap:
        raise ValidationError(_("Loftet for reglen er nået (%(cap)s resultater).", cap=format_number(rule.cap)))
    verification = ResultVerification(
        rule_id=rule.id, borger_id=borger_id, outcome_event_id=result.event_id, evidence_kind=result.kind,
        achieved_on=result.on_date, reference=_new_pseudonym(), amount=rule.amount,
        note=" ".join(note.split())[:300], verified_by_id=actor.id if actor else None,
    )
    db.session.add(verification)
    db.session.flush()
    record_event("contract.verify", "borger", borger_id, actor=actor, details={
        "contract_id": rule.contract_id, "rule_id": rule.id, "verification_id": verification.id,
        "outcome_event_id": result.event_id, "evidence_kind": result.kind,
        "achieved_on": result.on_date.isoformat(), "result_reference": verification.reference,
    })
    return verification


def invoice_verified(contract: ResultsContract, *, actor) -> ResultInvoice:
    """Put every verified, not yet invoiced result on one invoice dated today. Raises ValidationError."""
    waiting = [v for v in verifications(contract) if v.invoice_id is None]
    if not waiting:
        raise ValidationError(_("Der er ingen verificerede resultater at fakturere."))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ResultInvoice)
                              .where(ResultInvoice.contract_id == contract.id))
    invoice = ResultInvoice(contract_id=contract.id, number=f"K{contract.id}-{count + 1:03d}",
                            invoiced_on=today(), created_by_id=actor.id if actor else None)
    db.session.add(invoice)
    db.session.flush()
    for verification in waiting:
        verification.invoice_id = invoice.id
    db.session.flush()
    record_event("contract.invoice", "programme", contract.programme_id, actor=actor, details={
        "contract_id": contract.id, "invoice": invoice.number, "results": len(waiting),
        "amount": sum(v.amount for v in waiting)})
    return invoice


def record_payment(contract: ResultsContract, invoice_id: int | None, *, actor) -> ResultInvoice:
    """Mark the contract's invoice paid today. Raises ValidationError."""
    invoice = db.session.get(ResultInvoice, invoice_id) if invoice_id is not None else None
    if invoice is None or invoice.contract_id != contract.id:
        raise ValidationError(_("Fakturaen findes ikke."))
    if invoice.paid_on is not None:
        raise ValidationError(_("Faktura %(number)s er allerede betalt.", number=invoice.number))
    invoice.paid_on = today()
    invoice.paid_by_id = actor.id if actor else None
    db.session.flush()
    record_event("contract.payment", "programme", contract.programme_id, actor=actor, details={
        "contract_id": contract.id, "invoice": invoice.number,
        "amount": sum(v.amount for v in invoice.verifications)})
    return invoice


def invoices(contract: ResultsContract) -> list[tuple[ResultInvoice, int, int]]:
    """The contract's invoices, oldest first, with their number of results and amount."""
    rows = db.session.scalars(sa.select(ResultInvoice).where(ResultInvoice.contract_id == contract.id)
                              .order_by(ResultInvoice.invoiced_on, ResultInvoice.id))
    return [(i, len(i.verifications), sum(v.amount for v in i.verifications)) for i in rows]


# --- figures -------------------------------------------------------------------------------------


@dataclass
class Amounts:
    """Counts of results and their kroner for one rule over one stretch of time."""

    achieved: int = 0
    achieved_amount: int = 0  # what the achieved results earn (the cap applied)
    verified: int = 0
    verified_amount: int = 0
    invoiced: int = 0
    invoiced_amount: int = 0
    paid: int = 0
    paid_amount: int = 0
    outstanding: int = 0  # verified, not yet paid, at the end of the stretch (kroner)


@dataclass
class RuleFigures:
    rule: PaymentRule
    months: list[tuple[date, Amounts]]
    total: Amounts
    awaiting_verification: int  # achieved results that earn, not yet verified (kroner)
    forecast_count: int | None  # None before the window opens
    forecast_amount: int | None
    maximum_amount: int | None  # cap × amount; None without a cap


@dataclass
class ContractFigures:
    contract: ResultsContract
    as_of: date
    rules: list[RuleFigures]
    total: Amounts = field(default_factory=Amounts)
    forecast_amount: int | None = None

    @property
    def awaiting_verification(self) -> int:
        """Kroner achieved (within the caps) and not verified yet."""
        return sum(r.awaiting_verification for r in self.rules)

    @property
    def forecast_share(self) -> float | None:
        """The forecast in % of the investment."""
        if self.forecast_amount is None or not self.contract.investment:
            return None
        return 100.0 * self.forecast_amount / self.contract.investment


def contract_months(contract: ResultsContract, as_of: date) -> list[date]:
    """Month starts from the contract's first month to the month of ``as_of`` (or the contract's end)."""
    last = min(as_of, contract.ends_on)
    months, month = [], _month_start(contract.starts_on)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _forecast(rule: PaymentRule, achieved: int, as_of: date) -> int | None:
    first, last = rule_window(rule)
    if as_of < first:
        return None
    total_days = (last - first).days + 1
    passed = min(total_days, (as_of - first).days + 1)
    count = achieved if passed >= total_days else math.floor(achieved * total_days / passed)
    return count if rule.cap is None else min(count, rule.cap)


def _rule_figures(rule: PaymentRule, months: list[date], verified: list[ResultVerification],
                  as_of: date) -> RuleFigures:
    achieved = achieved_results(rule, as_of=as_of)
    earning = achieved if rule.cap is None else achieved[: rule.cap]
    mine = [v for v in verified if v.rule_id == rule.id]

    def verified_on(v: ResultVerification) -> date:
        return to_local(v.verified_at).date()

    rows = []
    verified_to_date = paid_to_date = 0
    for month in months:
        end = add_months(month, 1)
        a = Amounts()
        a.achieved = sum(1 for r in achieved if month <= r.on_date < end)
        a.achieved_amount = rule.amount * sum(1 for r in earning if month <= r.on_date < end)
        in_month = [v for v in mine if month <= verified_on(v) < end and verified_on(v) <= as_of]
        a.verified, a.verified_amount = len(in_month), sum(v.amount for v in in_month)
        billed = [v for v in mine if v.invoice and month <= v.invoice.invoiced_on < end]
        a.invoiced, a.invoiced_amount = len(billed), sum(v.amount for v in billed)
        paid = [v for v in mine if v.invoice and v.invoice.paid_on and month <= v.invoice.paid_on < end]
        a.paid, a.paid_amount = len(paid), sum(v.amount for v in paid)
        verified_to_date += a.verified_amount
        paid_to_date += a.paid_amount
        a.outstanding = verified_to_date - paid_to_date
        rows.append((month, a))
    total = Amounts(
        achieved=len(achieved), achieved_amount=rule.amount * len(earning),
        verified=sum(a.verified for _, a in rows), verified_amount=sum(a.verified_amount for _, a in rows),
        invoiced=sum(a.invoiced for _, a in rows), invoiced_amount=sum(a.invoiced_amount for _, a in rows),
        paid=sum(a.paid for _, a in rows), paid_amount=sum(a.paid_amount for _, a in rows),
        outstanding=verified_to_date - paid_to_date,
    )
    forecast = _forecast(rule, len(achieved), as_of)
    return RuleFigures(
        rule=rule, months=rows, total=total,
        awaiting_verification=total.achieved_amount - total.verified_amount,
        forecast_count=forecast, forecast_amount=None if forecast is None else forecast * rule.amount,
        maximum_amount=None if rule.cap is None else rule.cap * rule.amount,
    )


def contract_figures(contract: ResultsContract, *, as_of: date | None = None) -> ContractFigures:
    """Every figure of the contract page: per rule and month, totals and the forecast."""
    as_of = as_of or today()
    months = contract_months(contract, as_of)
    verified = verifications(contract)
    rules = [_rule_figures(rule, months, verified, as_of) for rule in contract.rules]
    total = Amounts()
    for name in Amounts.__dataclass_fields__:
        setattr(total, name, sum(getattr(r.total, name) for r in rules))
    forecasts = [r.forecast_amount for r in rules if r.forecast_amount is not None]
    return ContractFigures(contract, as_of, rules, total, sum(forecasts) if forecasts else None)


# --- the investor report -------------------------------------------------------------------------


def result_status(v: ResultVerification) -> str:
    if v.invoice is not None and v.invoice.paid_on is not None:
        return _("Betalt")
    if v.invoice is not None:
        return _("Faktureret")
    return _("Verificeret")


def investor_sheets(contract: ResultsContract, *, as_of: date | None = None) -> list[Sheet]:
    """The investor report: counts (1–4 shown as "<5"), kroner and result pseudonyms only."""
    figures = contract_figures(contract, as_of=as_of)

    def count(n: int) -> int | str:
        return mask_count(n, full=False)

    programme = contract.programme
    facts = Sheet(_("Kontrakt"), [_("Felt"), _("Værdi")], [
        [_("Indsats"), programme.name],
        [_("Myndighed"), contract.municipality],
        [_("Investor"), contract.investor],
        [_("Leverandør"), contract.operator],
        [_("Periode"), f"{short_date(contract.starts_on)} – {short_date(contract.ends_on)}"],
        [_("Investering (kr.)"), contract.investment],
        [_("Optjent i alt (kr.)"), figures.total.verified_amount],
        [_("Betalt i alt (kr.)"), figures.total.paid_amount],
        [_("Udestående i alt (kr.)"), figures.total.outstanding],
        [_("Prognose i alt ved nuværende tempo (kr.)"), figures.forecast_amount],
        [_("Opgjort"), short_date(figures.as_of)],
    ], note=_("Optjent er verificerede resultater. Udestående er optjent, men endnu ikke betalt."))
    per_rule = Sheet(
        _("Resultater pr. regel"),
        [_("Regel"), _("Beløb pr. resultat (kr.)"), _("Loft (resultater)"), _("Opnået"), _("Verificeret"),
         _("Optjent (kr.)"), _("Faktureret (kr.)"), _("Betalt (kr.)"), _("Udestående (kr.)"), _("Prognose (kr.)")],
        [[r.rule.label, r.rule.amount, r.rule.cap, count(r.total.achieved), count(r.total.verified),
          r.total.verified_amount, r.total.invoiced_amount, r.total.paid_amount, r.total.outstanding,
          r.forecast_amount] for r in figures.rules],
        note=_("Antal fra 1 til 4 vises som „<5“."),
        money_columns=frozenset({1, 5, 6, 7, 8, 9}),
    )
    per_month = Sheet(
        _("Pr. måned"),
        [_("Måned"), _("Regel"), _("Opnået"), _("Verificeret"), _("Verificeret (kr.)"), _("Faktureret (kr.)"),
         _("Betalt (kr.)"), _("Udestående ved månedens udgang (kr.)")],
        [[month_label(month), r.rule.label, count(a.achieved), count(a.verified),
          a.verified_amount, a.invoiced_amount, a.paid_amount, a.outstanding]
         for r in figures.rules for month, a in r.months],
        note=_("Antal fra 1 til 4 vises som „<5“."),
        money_columns=frozenset({4, 5, 6, 7}),
    )
    labels = {rule.id: rule.label for rule in contract.rules}
    listing = Sheet(
        _("Verificerede resultater"),
        [_("Reference"), _("Regel"), _("Beløb (kr.)"), _("Status"), _("Faktura")],
        [[v.reference, labels[v.rule_id], v.amount, result_status(v), v.invoice.number if v.invoice else ""]
         for v in sorted(verifications(contract), key=lambda v: v.reference)],
        note=_("Hvert resultat står under et pseudonym, der kun bruges i denne kontrakt."),
        money_columns=frozenset({2}),
    )
    return [facts, per_rule, per_month, listing]


def export_investor_report(contract: ResultsContract, *, actor) -> bytes:
    """Build the investor XLSX and audit who exported it."""
    data = export_sheets_xlsx(investor_sheets(contract))
    record_event("contract.investor_export", "programme", contract.programme_id, actor=actor,
                 details={"contract_id": contract.id})
    return data


def sheets_as_tables(sheets: list[Sheet]) -> list[Table]:
    """The report's sheets as display text (the printable page), kroner written as kroner."""
    return [Table(f"ark-{i}", sheet.title, sheet.columns,
                  [Row([sheet_cell_text(c, money=j in sheet.money_columns or _money_row(row))
                        for j, c in enumerate(row)])
                   for row in sheet.rows], note=sheet.note)
            for i, sheet in enumerate(sheets)]


def _money_row(row: list) -> bool:
    """A row of the facts sheet whose label says it holds kroner (every language's label ends "(kr.)")."""
    return bool(row) and isinstance(row[0], str) and row[0].endswith("(kr.)")


def sheet_cell_text(value, *, money: bool) -> str:
    """A report cell as display text in the reader's language (the printable page)."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return format_kroner(value) if money else format_number(value)
    return str(value)
