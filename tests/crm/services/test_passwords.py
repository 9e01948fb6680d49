from crm.services.passwords import hash_password, needs_rehash, verify_password


def test_production_hashes_are_argon2id_with_rfc_9106_parameters(make_app):
    app = make_app(PASSWORD_HASH_PROFILE="default")
    with app.app_context():
        hashed = hash_password("en-lang-adgangskode")
        assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert verify_password(hashed, "en-lang-adgangskode")
        assert not verify_password(hashed, "forkert")
        assert not needs_rehash(hashed)


def test_missing_hash_never_verifies(app):
    with app.app_context():
        assert verify_password(None, "no-such-account-placeholder") is False


def test_a_cheap_test_hash_is_upgraded_on_the_next_login(make_app, app):
    with app.app_context():
        cheap = hash_password("en-lang-adgangskode")
    with make_app(PASSWORD_HASH_PROFILE="default").app_context():
        assert needs_rehash(cheap)
