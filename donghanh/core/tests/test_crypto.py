from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from donghanh.core.crypto import (
    BLIND_INDEX_LENGTH,
    DecryptionError,
    EncryptedCharField,
    EncryptedDateField,
    blind_index,
    blind_index_candidates,
    decrypt_text,
    encrypt_text,
    keyed_digest,
    rotate_token,
    token_is_current,
)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def key_a(settings):
    settings.DATA_ENCRYPTION_KEYS = [KEY_A]


def test_text_round_trips_and_the_token_hides_it(key_a):
    token = encrypt_text("Nguyễn Thị Hoa")
    assert "Hoa" not in token and "Nguy" not in token
    assert decrypt_text(token) == "Nguyễn Thị Hoa"
    assert encrypt_text("Nguyễn Thị Hoa") != token  # a fresh IV every time


def test_the_newest_key_encrypts_and_every_key_decrypts(settings):
    settings.DATA_ENCRYPTION_KEYS = [KEY_A]
    old_token = encrypt_text("0912345678")
    settings.DATA_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    new_token = encrypt_text("0912345678")
    assert decrypt_text(old_token) == decrypt_text(new_token) == "0912345678"
    assert Fernet(KEY_B.encode()).decrypt(new_token.encode()) == b"0912345678"
    assert not token_is_current(old_token)
    assert token_is_current(new_token)


def test_rotate_token_moves_a_value_to_the_newest_key(settings):
    settings.DATA_ENCRYPTION_KEYS = [KEY_A]
    token = encrypt_text("079203001234")
    settings.DATA_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotated = rotate_token(token)
    assert token_is_current(rotated)
    settings.DATA_ENCRYPTION_KEYS = [KEY_B]
    assert decrypt_text(rotated) == "079203001234"
    with pytest.raises(DecryptionError):
        decrypt_text(token)


def test_a_value_no_key_can_read_is_an_error_not_the_ciphertext(settings):
    settings.DATA_ENCRYPTION_KEYS = [KEY_A]
    token = encrypt_text("secret address")
    settings.DATA_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(DecryptionError):
        decrypt_text(token)
    with pytest.raises(DecryptionError):
        EncryptedCharField(max_length=10).from_db_value(token, None, connection)
    with pytest.raises(DecryptionError):
        decrypt_text("not a token at all")


def test_fields_store_tokens_and_read_back_python_values(key_a):
    date_field = EncryptedDateField()
    token = date_field.get_db_prep_save(datetime.date(2001, 3, 12), connection)
    assert "2001" not in token
    assert date_field.from_db_value(token, None, connection) == datetime.date(2001, 3, 12)
    assert date_field.get_db_prep_save(None, connection) is None
    assert date_field.from_db_value(None, None, connection) is None

    char_field = EncryptedCharField(max_length=30)
    token = char_field.get_db_prep_save("Đặng Văn Đức", connection)
    assert char_field.from_db_value(token, None, connection) == "Đặng Văn Đức"
    assert char_field.get_internal_type() == "TextField"  # tokens outgrow max_length


def test_blind_index_ignores_diacritics_and_case_but_not_purpose(key_a):
    index = blind_index("Nguyễn", purpose="name")
    assert index == blind_index("nguyen", purpose="name") == blind_index("NGUYEN ", purpose="name")
    assert len(index) == BLIND_INDEX_LENGTH
    assert int(index, 16) >= 0
    assert blind_index("nguyen", purpose="phone") != index
    assert blind_index("nguyet", purpose="name") != index
    assert blind_index("Đức", purpose="name") == blind_index("duc", purpose="name")


def test_blind_index_depends_on_the_key(settings):
    settings.DATA_ENCRYPTION_KEYS = [KEY_A]
    under_a = blind_index("hoa", purpose="name")
    settings.DATA_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert blind_index("hoa", purpose="name") != under_a
    assert blind_index_candidates("hoa", purpose="name") == [
        blind_index("hoa", purpose="name"),
        under_a,
    ]


def test_blind_index_refuses_an_empty_value(key_a):
    with pytest.raises(ValueError, match="non-empty"):
        blind_index("  ", purpose="name")


def test_keyed_digest_sees_exact_changes(key_a):
    assert keyed_digest("Hoa", purpose="p") == keyed_digest("Hoa", purpose="p")
    assert keyed_digest("Hoa", purpose="p") != keyed_digest("Hòa", purpose="p")
    assert keyed_digest("Hoa", purpose="p") != keyed_digest("Hoa", purpose="q")
    assert len(keyed_digest("Hoa", purpose="p")) == 16
