import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, User


def test_create_user_command_creates_the_first_admin(app, runner):
    result = runner.invoke(args=["create-user", "--email", "Chef@Kommune.dk", "--name", "Chef",
                                 "--role", "admin", "--password", "en-lang-adgangskode"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "chef@kommune.dk"))
        assert user.role == "admin"
        assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))) \
            == "user.create"


def test_create_user_command_rejects_a_weak_password(app, runner):
    result = runner.invoke(args=["create-user", "--email", "a@b.dk", "--name", "A",
                                 "--role", "admin", "--password", "kort"])
    assert result.exit_code != 0
    assert "mindst 12 tegn" in result.output


def test_seed_demo_loads_once_and_prints_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.fodfaeste.dk" in first.output
    assert "Teamleder              teamleder@demo.fodfaeste.dk" in first.output
    with app.app_context():
        users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    second = runner.invoke(args=["seed-demo"])
    assert "allerede data" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users
