"""A programme's results contract (social impact investment) and a programme's referral periods.

A results contract (resultatkontrakt) binds three parties (municipality, investor, operator) for a
period: the investor is paid a fixed amount for each borger who reaches an agreed result, as shown
by the borger's outcome events and verified by a named party. Amounts are whole kroner.

A referral period (henvisning) is the time a borger is referred to a programme that limits it
(Job in mind: at most half a year at a time, then a new plan).
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class ResultsContract(db.Model):
    __tablename__ = "results_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    municipality: Mapped[str] = mapped_column(sa.String(120))
    investor: Mapped[str] = mapped_column(sa.String(120))
    operator: Mapped[str] = mapped_column(sa.String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    investment: Mapped[int]  # kroner the investor puts in
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme = relationship("Programme")
    rules = relationship("PaymentRule", back_populates="contract", cascade="all, delete-orphan",
                         order_by="PaymentRule.position")


class PaymentRule(db.Model):
    """What one result is worth: ``amount`` kroner per borger whose first evidence event (one of
    ``evidence``, OutcomeKind values) falls in the contract period and by the deadline; at most
    ``cap`` results are paid (None: no cap)."""

    __tablename__ = "payment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("results_contracts.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(160))
    amount: Mapped[int]
    cap: Mapped[int | None]
    deadline: Mapped[date | None]  # None: the contract's end
    evidence: Mapped[list] = mapped_column(sa.JSON, default=list)
    verifier: Mapped[str] = mapped_column(sa.String(120), default="")

    contract = relationship(ResultsContract, back_populates="rules")


class ResultInvoice(db.Model):
    """An invoice to the municipality for verified results; paid when ``paid_on`` is set."""

    __tablename__ = "result_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("results_contracts.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    invoiced_on: Mapped[date]
    paid_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    verifications = relationship("ResultVerification", back_populates="invoice")


class ResultVerification(db.Model):
    """The recorded act of verifying one borger's result under one rule: who, when, against which
    evidence. It outlives the borger's erasure (the money trail) and names them only by
    ``reference``, a pseudonym drawn for the contract (never the borger's own reference)."""

    __tablename__ = "result_verifications"
    __table_args__ = (sa.UniqueConstraint("rule_id", "borger_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_rules.id", ondelete="CASCADE"), index=True)
    borger_id: Mapped[int | None] = mapped_column(sa.ForeignKey("borgere.id", ondelete="SET NULL"), index=True)
    outcome_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcome_events.id", ondelete="SET NULL"))
    evidence_kind: Mapped[str] = mapped_column(sa.String(30))
    achieved_on: Mapped[date]
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    amount: Mapped[int]  # the rule's amount when verified
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("result_invoices.id", ondelete="SET NULL"),
                                                   index=True)

    rule = relationship(PaymentRule)
    invoice = relationship(ResultInvoice, back_populates="verifications")
    verified_by = relationship("User")


class ReferralPeriod(db.Model):
    """One referral of a borger to a programme with a referral limit, and the plan it follows.
    ``renewal`` marks a referral after a first one (a new plan)."""

    __tablename__ = "referral_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    borger_id: Mapped[int] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    plan: Mapped[str] = mapped_column(sa.String(500), default="")
    renewal: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]  # the vejleder got the task about the end (once)
    reminder_task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    borger = relationship("Borger")
