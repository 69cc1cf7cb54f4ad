"""The daily pages of practitioners, supervisors and facilitators, for `make bench-load`.

Started by bench/load.py, which makes one logged-in session per simulated user and writes them
with each user's pages to the JSON file in LOAD_SESSIONS. Each simulated user takes the next
session and opens its pages one after another, without pause (a closed loop: the figure is what
the server keeps up with), each page chosen by its weight. Anything but 200 is an error.
"""

import json
import os
import random
from itertools import count

from locust import FastHttpUser, constant, task

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
COOKIE = os.environ.get("LOAD_COOKIE", "__Secure-sessionid")
_next = count()


class Staff(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        session = SESSIONS[next(_next) % len(SESSIONS)]
        self.pages = [(page["name"], page["url"]) for page in session["pages"]]
        self.weights = [page["weight"] for page in session["pages"]]
        # As behind the TLS-terminating proxy of the README's deployment shape.
        self.headers = {
            "Cookie": f"{COOKIE}={session['session']}",
            "X-Forwarded-Proto": "https",
        }

    @task
    def open_a_page(self) -> None:
        name, url = random.choices(self.pages, weights=self.weights)[0]
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
