"""Locust users of the load benchmark (bench/load.py starts locust with this file; issue [7]).

- OfficeUser — office staff going through the pages an office opens in a day, with a think time
  of 5–15 s (scenario a) or none (scenario b, `LOAD_THINK=0`).
- SupervisorUser — a supervisor on a phone submitting a visit with a photo through the API
  (draft → photo → submit, retried with the same client id on a failure), scenario c. Every
  acknowledged submission is appended to `LOAD_SUBMITTED` so bench/load.py can check that none was
  lost and none stored twice.

The pages per user come from `var/bench/load/pages.json`, written by bench/load.py from the
database (ids inside each user's own scope), so every request is one a real user could make.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, constant, task

LOAD_DIR = Path(os.environ.get("LOAD_DIR", Path(__file__).resolve().parent.parent / "var" / "bench" / "load"))
ACCOUNTS = json.loads((LOAD_DIR / "accounts.json").read_text())
PAGES = json.loads((LOAD_DIR / "pages.json").read_text())
THINK = os.environ.get("LOAD_THINK", "1") != "0"
SUBMITTED = Path(os.environ.get("LOAD_SUBMITTED", LOAD_DIR / "submitted.txt"))
_office_accounts = list(ACCOUNTS["office"])
_supervisor_accounts = list(ACCOUNTS["supervisors"])


def _photo() -> bytes:
    """A 1,200 × 900 JPEG (coarse noise, a few hundred kB), like a phone's shrunk photo; made once."""
    from PIL import Image

    small = Image.frombytes("RGB", (300, 225), random.Random(1).randbytes(300 * 225 * 3))
    out = io.BytesIO()
    small.resize((1200, 900), Image.BILINEAR).save(out, "JPEG", quality=85)
    return out.getvalue()


PHOTO = _photo() if _supervisor_accounts else b""


class OfficeUser(HttpUser):
    wait_time = between(5, 15) if THINK else constant(0)
    fixed_count = int(os.environ.get("LOAD_OFFICE_USERS", "0"))  # 0: share by weight

    def on_start(self) -> None:
        account = _office_accounts.pop(0) if _office_accounts else random.choice(ACCOUNTS["office"])
        self.pages = PAGES[account["username"]]
        page = self.client.get("/accounts/login/", name="login (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.client.post("/accounts/login/", name="login", allow_redirects=False, data={
            "username": account["username"], "password": ACCOUNTS["password"],
            "csrfmiddlewaretoken": token.group(1) if token else ""})
        if response.status_code != 302:
            raise RuntimeError(f"login of {account['username']} answered {response.status_code}")

    @task
    def open_page(self) -> None:
        name, urls = random.choice(list(self.pages.items()))
        with self.client.get(random.choice(urls), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class SupervisorUser(HttpUser):
    wait_time = between(5, 15)
    fixed_count = int(os.environ.get("LOAD_SUPERVISOR_USERS", "0"))

    def on_start(self) -> None:
        account = _supervisor_accounts.pop(0) if _supervisor_accounts else random.choice(ACCOUNTS["supervisors"])
        self.headers = {"Authorization": f"Bearer {account['token']}"}
        self.schools = account["schools"]

    def _post(self, path: str, name: str, tries: int = 4, **kwargs):
        """A phone retries what failed, with the same client ids (the API is idempotent by them)."""
        for _ in range(tries):
            response = self.client.post(path, name=name, headers=self.headers, **kwargs)
            if response.status_code in (200, 201):
                return response
        return None

    @task
    def submit_visit(self) -> None:
        if not self.schools:
            return
        client_id = str(uuid.uuid4())
        visit = {"client_id": client_id, "school_id": random.choice(self.schools), "mode": "announced",
                 "location_status": "denied", "methods": ["class_observation"], "topics": ["supervision_item:3"],
                 "narrative": f"load:{client_id}", "opinions": "加强教研（负载测试）", "problems": [], "submit": False}
        if self._post("/api/v1/visits/", "api: visit draft", json=visit) is None:
            return
        photo = {"photo_client_id": str(uuid.uuid4())}
        if self._post(f"/api/v1/visits/{client_id}/photos", "api: visit photo", data=photo,
                      files={"file": ("photo.jpg", PHOTO, "image/jpeg")}) is None:
            return
        if self._post("/api/v1/visits/", "api: visit submit", json=visit | {"submit": True}) is not None:
            with SUBMITTED.open("a") as out:
                out.write(client_id + "\n")
