"""Signing in and out, and the lockout after repeated wrong passwords."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

SIGN_IN = "/accounts/sign-in/"


@pytest.fixture
def person(db):
    return UserFactory(email="alice@example.org", full_name="Alice Example")


def attempt(client, email, password, ip="10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_a_person_signs_in_with_their_email_address_and_signs_out(client, person):
    response = attempt(client, "Alice@Example.org ", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Welcome, Alice" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert "You have signed out" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("password_change")).status_code == 302


def test_a_wrong_password_gets_an_error_summary_and_keeps_the_email(client, person):
    response = attempt(client, "alice@example.org", "wrong")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Your email address or password is not right" in html
    assert 'value="alice@example.org"' in html


def test_empty_sign_in_names_both_fields(client, db):
    html = client.post(SIGN_IN, {}).content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_ten_wrong_passwords_lock_the_account_even_with_the_right_one(client, person):
    for _ in range(10):
        attempt(client, "alice@example.org", "wrong")
    response = attempt(client, "alice@example.org", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_changing_the_case_of_the_address_does_not_buy_more_guesses(client, person):
    for i in range(10):
        attempt(client, "ALICE@example.org" if i % 2 else "alice@EXAMPLE.org", "wrong")
    assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 429


def test_nine_wrong_passwords_still_let_the_right_one_in(client, person):
    for _ in range(9):
        attempt(client, "alice@example.org", "wrong")
    assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 302


def test_one_persons_lockout_does_not_lock_out_a_colleague_on_the_same_network(client, person):
    colleague = UserFactory(email="bob@example.org")
    for _ in range(10):
        attempt(client, "alice@example.org", "wrong", ip="10.0.0.7")
    assert attempt(client, colleague.email, TEST_PASSWORD, ip="10.0.0.7").status_code == 302


def test_the_lockout_ends_after_the_five_minute_cool_off(client, person):
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            attempt(client, "alice@example.org", "wrong")
        assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 302


def test_signing_out_needs_a_post(client, person):
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("sign-out")).status_code == 405
    assert client.get(reverse("home")).context["user"].is_authenticated


def test_a_new_password_must_pass_the_rules(client, person):
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    html = response.content.decode()
    assert "This password is too short. It must contain at least 12 characters." in html
    assert "There is a problem" in html


def test_setting_a_new_password_by_email_link_lifts_the_lockout(client, person):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    for _ in range(10):
        attempt(client, "alice@example.org", "wrong")
    assert attempt(client, "alice@example.org", TEST_PASSWORD).status_code == 429
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    form_page = client.get(link, follow=True)
    new = "a-brand-new-long-password"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert attempt(client, "alice@example.org", new).status_code == 302


def test_the_welcome_uses_a_first_name_not_a_title(db):
    assert UserFactory(full_name="Councillor Grace Okafor").get_short_name() == "Grace"
    assert UserFactory(full_name="Dr. Ade Bello").get_short_name() == "Ade"


# Lockout as a weapon (issue 11, item 13): a lock is per account *and* network address, with a
# much higher limit for the account from every address together.
ATTACKER = "203.0.113.9"
OWN_DESK = "10.20.30.40"


def test_an_attacker_failing_every_few_minutes_for_hours_cannot_lock_the_person_out(client, person):
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(10):  # the burst that locks the account today
            attempt(client, "alice@example.org", "wrong", ip=ATTACKER)
    for step in range(1, 60):  # then one wrong password just under every five minutes, for over four hours
        with time_machine.travel(start + datetime.timedelta(minutes=4.5 * step), tick=False):
            attempt(client, "alice@example.org", "wrong", ip=ATTACKER)
            if step % 10 == 0:
                assert attempt(client, "alice@example.org", "wrong", ip=OWN_DESK).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=4.5 * 60), tick=False):
        assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 302


def test_a_fast_attacker_from_one_address_is_locked_out_but_the_person_is_not(client, person):
    for _ in range(200):
        attempt(client, "alice@example.org", "wrong", ip=ATTACKER)
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=ATTACKER).status_code == 429
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 302


def test_many_addresses_together_lock_the_account_at_a_new_address_until_a_reset_or_the_cool_off(client, person):
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        many_addresses_guess(client)
        locked = attempt(client, "alice@example.org", TEST_PASSWORD, ip=NEW_ADDRESS)
        assert locked.status_code == 429
        assert "Too many attempts to sign in" in locked.content.decode()
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=NEW_ADDRESS).status_code == 302


# Lockout as a weapon with many addresses: the account-wide limit does not apply at an address
# the person signed in from in the last 30 days, so an attacker cannot keep them from their work.
NEW_ADDRESS = "192.0.2.77"


def many_addresses_guess(client, sources=5):
    for source in range(sources):
        for _ in range(10):
            attempt(client, "alice@example.org", "wrong", ip=f"198.51.100.{source + 1}")


def signs_in_and_out(client, ip):
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=ip).status_code == 302
    client.post(reverse("sign-out"))


def test_an_attacker_with_many_addresses_for_hours_cannot_keep_the_person_out_at_their_desk(client, person):
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start - datetime.timedelta(days=1), tick=False):
        signs_in_and_out(client, OWN_DESK)
    for step in range(48):  # 50 wrong passwords from 5 addresses every 5 minutes, for 4 hours
        with time_machine.travel(start + datetime.timedelta(minutes=5 * step), tick=False):
            many_addresses_guess(client)
            if step % 12 == 0:
                assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=NEW_ADDRESS).status_code == 429
                signs_in_and_out(client, OWN_DESK)


def test_at_the_persons_own_address_ten_wrong_passwords_still_lock_that_address(client, person):
    signs_in_and_out(client, OWN_DESK)
    for _ in range(10):
        attempt(client, "alice@example.org", "wrong", ip=OWN_DESK)
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 429


def test_an_address_last_signed_in_from_over_30_days_ago_is_locked_like_a_new_one(client, person):
    start = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start - datetime.timedelta(days=31), tick=False):
        signs_in_and_out(client, OWN_DESK)
    with time_machine.travel(start, tick=False):
        many_addresses_guess(client)
        assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 429


def test_another_accounts_sign_in_does_not_make_an_address_known_for_this_one(client, person):
    colleague = UserFactory(email="bob@example.org")
    assert attempt(client, colleague.email, TEST_PASSWORD, ip=OWN_DESK).status_code == 302
    client.post(reverse("sign-out"))
    many_addresses_guess(client)
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 429


def test_a_wrong_password_at_a_known_address_during_the_attack_is_only_counted_there(client, person):
    signs_in_and_out(client, OWN_DESK)
    many_addresses_guess(client)
    for _ in range(9):
        assert attempt(client, "alice@example.org", "wrong", ip=OWN_DESK).status_code == 200
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 302


def test_a_lock_from_one_address_does_not_stop_the_right_password_from_another(client, person):
    for _ in range(10):
        attempt(client, "alice@example.org", "wrong", ip=ATTACKER)
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=ATTACKER).status_code == 429
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=OWN_DESK).status_code == 302


def sets_a_new_password_by_the_emailed_link(client, person, ip, new="a-brand-new-long-password"):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(person.pk))
    link = reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(person)}
    )
    form_page = client.get(link, follow=True, REMOTE_ADDR=ip)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    return new


def test_the_address_a_new_password_is_set_from_stays_open_while_the_attack_goes_on(client, person):
    many_addresses_guess(client)
    assert attempt(client, "alice@example.org", TEST_PASSWORD, ip=NEW_ADDRESS).status_code == 429
    new = sets_a_new_password_by_the_emailed_link(client, person, NEW_ADDRESS)
    many_addresses_guess(client)  # the attacker relocks the account within seconds
    assert attempt(client, "alice@example.org", new, ip="192.0.2.200").status_code == 429
    assert attempt(client, "alice@example.org", new, ip=NEW_ADDRESS).status_code == 302
