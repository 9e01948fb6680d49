"""The register's version: one row whose number moves at every commit that changes what the
company list shows (``crm.services.register_version`` bumps it; caches are keyed by it)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class RegisterVersion(db.Model):
    """Exactly one row (id 1), made by migration 0022 (or by ``create_all``, see below); it starts at
    a random number (``first_version``)."""

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


# A database made by ``create_all`` (tests, benches) gets the one row as the migration makes it.
@sa.event.listens_for(RegisterVersion.__table__, "after_create")
def _first_row(table, connection, **_):
    from crm.services.register_version import first_version

    connection.execute(table.insert().values(id=1, version=first_version()))
