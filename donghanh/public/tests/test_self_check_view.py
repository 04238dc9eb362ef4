"""The self-check page: it answers at once and keeps nothing about the visitor."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.test import Client

from donghanh.public.self_check import NO, QUESTIONS, YES

URL = "/self-check/"


def table_sizes() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.fixture
def file_cache(settings, tmp_path):
    """A cache whose entries are files, so a test can count them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    return tmp_path


def test_the_page_asks_every_question_with_three_answers(client, db):
    html = client.get(URL).content.decode()
    assert html.count('type="radio"') == 3 * len(QUESTIONS)
    assert html.count("<fieldset") == len(QUESTIONS)
    assert 'method="post"' in html


def test_a_serious_sign_gives_high_risk_with_advice_and_numbers(client, db):
    response = client.post(URL, {q.key: NO for q in QUESTIONS} | {"passport": YES})
    html = response.content.decode()
    assert response.status_code == 200  # the result itself, not a redirect with the answers
    assert 'class="risk risk-high"' in html
    assert 'href="tel:111"' in html and 'href="tel:113"' in html
    assert 'href="tel:+84981848484"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response.headers["Cache-Control"]


def test_all_no_gives_low_risk(client, db):
    html = client.post(URL, {q.key: NO for q in QUESTIONS}).content.decode()
    assert 'class="risk risk-low"' in html


def test_an_empty_form_asks_to_find_out_more(client, db):
    html = client.post(URL, {}).content.decode()
    assert 'class="risk risk-caution"' in html


def test_an_impossible_answer_is_refused_in_the_page(client, db):
    response = client.post(URL, {"fee": "perhaps"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_works_without_a_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(URL, {"fee": YES})
    assert response.status_code == 200


def test_taking_the_self_check_stores_nothing(db, file_cache, caplog):
    client = Client(enforce_csrf_checks=True)
    client.get(URL)  # the question page itself may be cached: it holds nothing of the visitor
    cached_files = sorted(p.name for p in file_cache.rglob("*") if p.is_file())
    tables_before = table_sizes()
    caplog.set_level(logging.DEBUG)
    answers = {q.key: YES for q in QUESTIONS}

    response = client.post(URL, answers)

    assert response.status_code == 200
    assert table_sizes() == tables_before
    assert sorted(p.name for p in file_cache.rglob("*") if p.is_file()) == cached_files
    assert not response.cookies and not client.cookies
    assert caplog.records == []
    # Nothing of the answers goes into an address either.
    assert "?" not in response.request["PATH_INFO"] and not response.request["QUERY_STRING"]


def test_the_result_is_never_served_from_the_cache(client, db):
    assert "risk-high" in client.post(URL, {"passport": YES}).content.decode()
    assert "risk-low" in client.post(URL, {q.key: NO for q in QUESTIONS}).content.decode()
    assert "risk-" not in client.get(URL).content.decode()
    assert "risk-" not in client.get(URL).content.decode()  # now from the cache
