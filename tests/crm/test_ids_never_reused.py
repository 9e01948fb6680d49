"""No table hands a deleted row's id to a new row: ids reach URLs, references and the audit log."""

import sqlalchemy as sa

from crm.extensions import db


def test_every_table_with_an_integer_id_is_autoincrement_on_sqlite():
    id_tables = [t for t in db.metadata.sorted_tables
                 if len(t.primary_key.columns) == 1 and isinstance(t.primary_key.columns[0].type, sa.Integer)]
    assert id_tables
    assert [t.name for t in id_tables if not t.dialect_options["sqlite"]["autoincrement"]] == []


def test_a_deleted_rows_id_is_not_given_to_the_next_row(app, make_company):
    from crm.models import Company

    first = make_company("Første ApS")
    last = make_company("Sidste ApS")
    with app.app_context():
        db.session.delete(db.session.get(Company, last))
        db.session.commit()
    assert make_company("Ny ApS") not in (first, last)
