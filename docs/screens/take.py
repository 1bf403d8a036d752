"""Take the README's tour screenshots: the case page, the queue and the allocation page, at 1280 and
320 CSS pixels wide, from a running demo (`make run`, or runserver on a seeded database).

    .venv/bin/python docs/screens/take.py http://127.0.0.1:8000

Each screenshot is one window high (not the whole page), as a person sees it first. The script also
prints how far each page scrolls sideways: 0 everywhere is the Reflow check (WCAG 2.2 1.4.10)."""

from __future__ import annotations

import os
import sys
from base64 import b32decode
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from referrals.models import Referral  # noqa: E402

HERE = Path(__file__).resolve().parent
HEIGHTS = {1280: 1000, 320: 1300}


def _case(marker: str) -> str:
    return str(Referral.objects.get(**{"answers__first-responder__own_reference": marker}).pk)


def main(base_url: str) -> None:
    pages = {"queue": "/cases/", "case": f"/cases/{_case('DEMO-CASE-3')}/",
             "allocate": f"/cases/{_case('DEMO-CASE-1')}/allocate/"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 1000}).new_page()
        page.goto("/sign-in/")
        page.fill("#id_email", "ca.manager@demo.nrm.test")
        page.fill("#id_password", settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/security-code/")
        page.fill("#id_code", f"{TOTP(b32decode(settings.DEMO_TOTP_SECRET)).token():06d}")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base_url}/")
        for name, path in pages.items():
            for width, height in HEIGHTS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.goto(path)
                page.wait_for_load_state("networkidle")
                sideways = page.evaluate("() => document.documentElement.scrollWidth"
                                         " - document.documentElement.clientWidth")
                page.screenshot(path=HERE / f"{name}-{width}.png")
                print(f"{name} at {width}px: scrolls sideways by {sideways}px")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
