"""Signing in through the pages as people do: password, then the authenticator's code.

Every account signs in with a second factor, so every browser test that signs someone in
passes both steps; the authenticator is set up for the user if they have none yet.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device


def current_code(key: bytes) -> str:
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def sign_in_verified(page: Page, base: str, user: Any, password: str = TEST_PASSWORD) -> None:
    """Sign `user` in with the password and the code, and wait for the workspace."""
    device = confirmed_totp_device(user)
    step = int(time.time()) // device.step
    if device.last_t >= step:
        # A code works once: signing the same person in again waits for the app's next code.
        time.sleep(device.step - time.time() % device.step + 0.5)
    key = device.bin_key
    page.goto(base + "/app/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/app/account/two-factor/verify/"))
    page.fill("input[name=otp_token]", current_code(key))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/app/$"))
