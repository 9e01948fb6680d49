"""The company services: the status pipeline and its history, duplicates, CVR and versioned edits."""

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.models import Company
from crm.services import ValidationError
from crm.services.companies import (
    ConflictError,
    change_status,
    company_profile,
    create_company,
    find_duplicates,
    update_company,
)
from crm.timeutil import utcnow

VALID_CVR = "10150817"  # modulus 11 holds
INVALID_CVR = "10150818"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def _company(name="Testfirma ApS", postcode="8000", **data):
    company = create_company({"name": name, "postcode": postcode, **data})
    db.session.commit()
    return company


def test_create_accepts_a_valid_cvr(ctx):
    assert _company(cvr=VALID_CVR).cvr == VALID_CVR


def test_create_refuses_a_cvr_with_a_wrong_check_digit(ctx):
    with pytest.raises(ValidationError) as error:
        create_company({"name": "X", "postcode": "8000", "cvr": INVALID_CVR})
    assert error.value.field == "cvr"
    assert "kontrolciffer" in error.value.message


def test_a_new_company_starts_as_emne_with_one_history_row(ctx):
    company = _company()
    assert company.status == "emne"
    assert [(c.from_status, c.to_status) for c in company.status_changes] == [(None, "emne")]


def test_status_moves_along_the_pipeline_and_keeps_every_change(ctx):
    company = _company()
    for status in ("dialog", "partner", "pause"):
        change_status(company, status)
    db.session.commit()
    history = [(c.from_status, c.to_status) for c in company.status_changes]
    assert history == [(None, "emne"), ("emne", "dialog"), ("dialog", "partner"), ("partner", "pause")]
    assert company.status == "pause"


def test_status_history_keeps_the_date_of_each_change(ctx):
    company = _company()
    first = company.status_changes[0]
    first.changed_at = utcnow() - timedelta(days=100)
    db.session.commit()
    change_status(company, "dialog")
    db.session.commit()
    dates = [c.changed_at for c in company.status_changes]
    assert dates[0] < utcnow() - timedelta(days=99)
    assert dates[1] > utcnow() - timedelta(minutes=1)
    assert company.status_changed_at == dates[1]


def test_status_cannot_skip_from_emne_to_partner(ctx):
    company = _company()
    with pytest.raises(ValidationError) as error:
        change_status(company, "partner")
    assert error.value.message == "Status kan ikke gå fra emne til partner."
    assert len(company.status_changes) == 1


def test_unknown_status_is_refused(ctx):
    with pytest.raises(ValidationError):
        change_status(_company(), "venner")


def test_similar_name_in_the_same_postcode_is_a_likely_duplicate(ctx):
    netto = _company("Netto Holstebro", "7500")
    found = find_duplicates(name="Netto  Holstebro ApS", postcode="7500")
    assert [d.company.id for d in found] == [netto.id]
    assert found[0].reason == "Lignende navn i samme postnummer"


def test_similar_name_in_another_postcode_is_not_a_duplicate(ctx):
    _company("Netto Holstebro", "7500")
    assert find_duplicates(name="Netto  Holstebro ApS", postcode="8000") == []


def test_same_cvr_is_a_duplicate_anywhere(ctx):
    first = _company("Alfa", "8000", cvr=VALID_CVR)
    found = find_duplicates(name="Helt andet navn", postcode="7500", cvr=VALID_CVR)
    assert [(d.company.id, d.reason) for d in found] == [(first.id, "Samme CVR-nummer")]


def test_update_from_an_old_version_is_refused_and_writes_nothing(ctx):
    company = _company("Original")
    old_version = company.version
    update_company(company, {**company_profile(company), "name": "Første"}, expected_version=old_version)
    db.session.commit()
    with pytest.raises(ConflictError):
        update_company(company, {**company_profile(company), "name": "Anden"}, expected_version=old_version)
    db.session.rollback()
    assert db.session.get(Company, company.id).name == "Første"


def test_website_without_scheme_gets_https_and_other_schemes_are_refused(app):
    with app.app_context():
        company = create_company({"name": "Webfirma", "postcode": "8000", "website": "webfirma.dk"})
        assert company.website == "https://webfirma.dk"
        with pytest.raises(ValidationError, match="webadresse"):
            create_company({"name": "Ondt", "postcode": "8000", "website": "javascript:alert(1)"})


def test_an_edit_raises_the_version_by_one(app):
    from crm.services.companies import company_profile

    with app.app_context():
        company = create_company({"name": "Versionsfirma", "postcode": "8000", "offers": ["mentor"]})
        db.session.commit()
        before = company.version
        data = {**company_profile(company), "offers": ["quiet"], "phone": "12345678"}
        update_company(company, data, expected_version=before)
        db.session.commit()
        assert company.version == before + 1
