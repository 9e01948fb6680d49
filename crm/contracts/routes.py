"""The results contract of a programme, its verification, invoices and payments, the investor
report, and the programme comparison."""

from functools import partial

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.contracts import bp
from crm.contracts.forms import EMPTY_RULE_ROWS, ContractForm, PaymentForm, VerifyForm
from crm.extensions import db
from crm.forms import ActionForm, submit
from crm.models.contract import PaymentRule, ResultsContract
from crm.permissions import can, require
from crm.reports.routes import EXPORT_TYPES, get_programme_or_404
from crm.services import ValidationError, contracts
from crm.services.report_export import Sheet, export_sheets_xlsx
from crm.services.reports import (
    compare_programmes,
    comparison_columns,
    comparison_table,
    comparison_values,
    month_label,
    outcome_label,
    sees_full_figures,
)
from crm.timeutil import today


@bp.app_template_filter("kroner")
def kroner_filter(value) -> str:
    return contracts.format_kroner(value)


@bp.app_template_filter("month_label")
def month_label_filter(month) -> str:
    return month_label(month)


@bp.app_template_filter("outcome_label")
def outcome_label_filter(code: str) -> str:
    return outcome_label(code)


def _with_contract(programme_id: int, permission: str):
    """The programme (403 unless the user holds ``permission`` on it) and its contract; a programme
    with no contract sends the user to the contract page with a message instead."""
    programme = get_programme_or_404(programme_id)
    require(current_user, permission, programme)
    found = contracts.contract_for(programme)
    if found is None:
        flash(str(contracts.NO_CONTRACT), "error")
        abort(redirect(url_for("contracts.contract", programme_id=programme.id)))
    return programme, found


@bp.route("/indsatser/<int:programme_id>/kontrakt")
@allow("contract.read")
def contract(programme_id: int):
    """Show the results contract: per rule and month, achieved, verified, invoiced, paid, outstanding."""
    programme = get_programme_or_404(programme_id)
    require(current_user, "contract.read", programme)
    found = contracts.contract_for(programme)
    verifies = can(current_user, "contract.verify", programme)
    return render_template(
        "contracts/contract.html",
        programme=programme,
        contract=found,
        figures=contracts.contract_figures(found) if found else None,
        invoices=contracts.invoices(found) if found else [],
        pending=len(contracts.pending_results(found)) if found and verifies else None,
        action_form=ActionForm(),
        payment_form=PaymentForm(),
    )


def _form_data(contract: ResultsContract | None, programme) -> dict:
    rules = [{"label": r.label, "amount": r.amount, "cap": r.cap, "deadline": r.deadline, "evidence": r.evidence,
              "verifier": r.verifier} for r in (contract.rules if contract else [])]
    rules += [{} for _ in range(EMPTY_RULE_ROWS)]
    if contract is None:
        return {"municipality": programme.municipality and f"{programme.municipality} Kommune",
                "starts_on": programme.starts_on, "ends_on": programme.ends_on, "rules": rules}
    return {"municipality": contract.municipality, "investor": contract.investor, "operator": contract.operator,
            "starts_on": contract.starts_on, "ends_on": contract.ends_on, "investment": contract.investment,
            "rules": rules}


@bp.route("/indsatser/<int:programme_id>/kontrakt/rediger", methods=["GET", "POST"])
@allow("contract.manage")
def edit_contract(programme_id: int):
    """Create or change the programme's results contract and its payment rules."""
    programme = get_programme_or_404(programme_id)
    require(current_user, "contract.manage", programme)
    found = contracts.contract_for(programme)
    form = ContractForm() if request.method == "POST" else ContractForm(data=_form_data(found, programme))
    done = submit(form, lambda: contracts.save_contract(programme, form.service_data(), actor=current_user),
                  success=_("Resultatkontrakten er gemt."),
                  redirect_to=url_for("contracts.contract", programme_id=programme.id))
    return done or render_template("contracts/form.html", form=form, programme=programme, contract=found)


@bp.route("/indsatser/<int:programme_id>/kontrakt/verificering")
@allow("contract.verify")
def verification(programme_id: int):
    """List the results waiting for verification (by the borger's reference) and those verified."""
    programme, found = _with_contract(programme_id, "contract.verify")
    rules = {rule.id: rule for rule in found.rules}
    return render_template("contracts/verification.html", programme=programme, contract=found, rules=rules,
                           pending=contracts.pending_results(found), verified=contracts.verifications(found),
                           form=VerifyForm())


@bp.route("/indsatser/<int:programme_id>/kontrakt/verificer", methods=["POST"])
@allow("contract.verify")
def verify(programme_id: int):
    """Record the verification of one borger's result under one rule."""
    programme, found = _with_contract(programme_id, "contract.verify")
    form = VerifyForm()

    def verify_one():
        rule = db.session.get(PaymentRule, form.rule_id.data) if form.rule_id.data else None
        if rule is None or rule.contract_id != found.id:
            raise ValidationError(_("Betalingsreglen findes ikke."))
        contracts.verify_result(rule, form.borger_id.data, actor=current_user, note=form.note.data or "")

    back = url_for("contracts.verification", programme_id=programme.id)
    return submit(form, verify_one, success=_("Resultatet er verificeret."), redirect_to=back, on_error=back)


@bp.route("/indsatser/<int:programme_id>/kontrakt/fakturer", methods=["POST"])
@allow("contract.manage")
def invoice(programme_id: int):
    """Invoice every verified result not yet invoiced."""
    programme, found = _with_contract(programme_id, "contract.manage")
    back = url_for("contracts.contract", programme_id=programme.id)
    return submit(ActionForm(), lambda: contracts.invoice_verified(found, actor=current_user),
                  success=_("Fakturaen er registreret."), redirect_to=back, on_error=back)


@bp.route("/indsatser/<int:programme_id>/kontrakt/betaling", methods=["POST"])
@allow("contract.manage")
def payment(programme_id: int):
    """Record that an invoice is paid."""
    programme, found = _with_contract(programme_id, "contract.manage")
    back = url_for("contracts.contract", programme_id=programme.id)
    form = PaymentForm()
    return submit(form, lambda: contracts.record_payment(found, form.invoice_id.data, actor=current_user),
                  success=_("Betalingen er registreret."), redirect_to=back, on_error=back)


@bp.route("/indsatser/<int:programme_id>/kontrakt/investor")
@allow("contract.read")
def investor_report(programme_id: int):
    """Show the investor report for printing: counts, amounts and result pseudonyms only."""
    programme, found = _with_contract(programme_id, "contract.read")
    return render_template("contracts/investor.html", programme=programme, contract=found,
                           tables=contracts.sheets_as_tables(contracts.investor_sheets(found)), as_of=today())


@bp.route("/indsatser/<int:programme_id>/kontrakt/investor.xlsx")
@allow("contract.read")
def investor_export(programme_id: int):
    """Download the investor report as XLSX (numbers as numbers)."""
    programme, found = _with_contract(programme_id, "contract.read")
    data = contracts.export_investor_report(found, actor=current_user)
    return Response(data, mimetype=EXPORT_TYPES["xlsx"], headers={
        "Content-Disposition": f'attachment; filename="investorrapport-{programme.id}-{today().isoformat()}.xlsx"'})


@bp.route("/indsatser/sammenligning")
@allow("report.read")
def comparison():
    """Put the programmes' key figures side by side."""
    full = partial(sees_full_figures, current_user)
    rows = compare_programmes()
    return render_template("contracts/comparison.html", full=all(full(row.programme) for row in rows),
                           as_of=today(), table=comparison_table(rows, full=full))


@bp.route("/indsatser/sammenligning.xlsx")
@allow("report.read")
def comparison_export():
    """Download the comparison as XLSX, masked as on the page."""
    full = partial(sees_full_figures, current_user)
    sheet = Sheet(_("Sammenligning"), comparison_columns(), comparison_values(compare_programmes(), full=full))
    return Response(export_sheets_xlsx([sheet]), mimetype=EXPORT_TYPES["xlsx"], headers={
        "Content-Disposition": f'attachment; filename="indsatser-sammenlignet-{today().isoformat()}.xlsx"'})
