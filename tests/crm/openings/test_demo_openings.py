"""The demo openings load through the services, varied and with a few stale ones."""

from datetime import timedelta

from crm.demo_openings import load_demo_openings
from crm.extensions import db
from crm.models import Company
from crm.timeutil import utcnow


def test_demo_openings_are_varied_and_some_are_stale(app, make_partner, make_user):
    for i in range(35):
        make_partner(f"Demo {i} ApS", "8000", ["Rengøring", "Café", "Lager", "Gartneri"][i % 4])
    with app.app_context():
        first = db.session.scalars(db.select(Company).order_by(Company.id)).first()
    make_user("employer", email="arbejdsgiver@demo.fodfaeste.dk", company_id=first.id)
    with app.app_context():
        openings = load_demo_openings()
        db.session.commit()
        assert 25 <= len(openings) <= 35
        assert {o.kind for o in openings} == {"job", "flexjob", "loentilskud", "praktik", "uddannelse"}
        ages = [(utcnow() - o.confirmed_at) for o in openings]
        assert sum(age > timedelta(days=60) for age in ages) >= 2
        assert sum(timedelta(days=30) < age <= timedelta(days=60) for age in ages) >= 2
        assert sum(o.company_id == first.id for o in openings) == 3
