"""Locust scenario for bench/load/loadtest.sh: seeded members using the site as browsers do.

Each simulated member is a distinct seeded account that comes back with the session
its browser kept (made by loadtest.sh) or, one in LOGIN_EVERY, logs in through the
real login form; it then reads its home timeline (and older pages), explore, profiles,
posts (the web form with its CSRF token; API members through POST /api/posts),
follows and unfollows, opens the inbox, sends a message now and then, searches,
and polls /notifications/?since= in the background like the navbar's script.

The site runs as in production behind nginx (BEHIND_PROXY, TRUSTED_PROXY_COUNT=1):
each member sends the headers nginx would add, with an address of its own, so the
per-address limits see 100 people rather than one machine. One more user, the
guesser, tries wrong passwords from one address: the only 429s expected anywhere
are its own (EXPECTED_429). Everything else is checked by status code; a 429, a
5xx or a connection error anywhere else is a failure.

Figures the report needs beyond locust's CSV (posts accepted per member, status
codes per endpoint, the guesser's 429s) are written to LOAD_RESULTS_FILE at exit.
"""

import collections
import html
import json
import os
import random
import re
import resource
import time

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from locust.exception import StopUser

PASSWORD = "microblog-demo"
# {"cookie": session cookie name, "members": [{"username", "id", "session"}]}, written by
# loadtest.sh from the seeded database.
_seeded = json.loads(open(os.environ["LOAD_MEMBERS_FILE"]).read())
SESSION_COOKIE = _seeded["cookie"]
MEMBERS = _seeded["members"]
# The member the guesser attacks; no simulated member logs in as them.
TARGET = os.environ["LOAD_GUESS_TARGET"]
RESULTS_FILE = os.environ["LOAD_RESULTS_FILE"]
# What the browser's address bar shows (nginx's https origin): Referer and Origin for CSRF.
ORIGIN = os.environ["LOAD_ORIGIN"]
POLL_SECONDS = float(os.environ.get("NOTIFICATIONS_POLL_SECONDS", "10"))
API_SHARE = 0.2  # members who also use the API with a token
LOGIN_EVERY = 5  # every fifth member logs in through the form; the others kept their session
DOUBLE_CLICK = 0.1  # share of follow/unfollow/post buttons clicked twice at once
TIMEOUT = 30  # seconds; gunicorn's own timeout, so a stuck request is a failure here too

# Where a 429 is intended: request name -> why. Only the guesser's requests are here.
EXPECTED_429 = {
    "POST /api/tokens [wrong password]": "API token throttle: 5 requests a minute per address and per account",
    "POST /accounts/login/ [wrong password]": "allauth login limit: 30 login POSTs a minute per address",
}
# allauth's answer once an account has had LOGIN_FAILURES_LIMIT wrong passwords: the form
# again (200) with this error, not a 429.
LOCKED_OUT = "Too many failed login attempts."

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The pager's "Older" link: a query string (?before=<cursor>) on the same path.
OLDER_LINK = re.compile(r'href="(\?[^"]*)" rel="next"')
FOLLOW_FORM = re.compile(r'action="(/user/[^/"]+/(?:un)?follow/)"')
WORDS = (
    "coffee tea bread garden river bike train rain sun snow music book film city park lunch dinner "
    "run walk code chess jazz photo museum market bridge harbour lake morning evening weekend"
).split()

results = {
    "posts_accepted": collections.Counter(),  # username -> posts the site accepted
    "statuses": collections.Counter(),  # "name status" -> count
    "expected_429": collections.Counter(),  # name -> count
    "unexpected": collections.Counter(),  # "name status/error" -> count
    "members": 0,
    "double_clicks": collections.Counter(),  # name -> buttons clicked twice at once
    "login_guesses": 0,  # the guesser's wrong passwords answered (200 or 429)
    "first_lockout": None,  # at which of them the account was first locked
    "token_failures": 0,  # the guesser's API passwords checked and refused (401): they count toward the lockout
    # Response times (ms) of what a member waits for, by kind (category()): the report's
    # page-view and login percentiles, which locust's per-endpoint CSV cannot combine.
    "times": collections.defaultdict(list),
    "generator_cpu_seconds": 0.0,  # this locust process's own CPU (user + system)
    "generator_wall_seconds": 0.0,
}
_started = time.monotonic()
_members = iter(MEMBERS)


def category(method: str, name: str) -> str:
    """ "login" (a member's POST to the login form), "page view" (a member's GET of an HTML
    page), or "" (API calls, notification polls, form posts, the guesser's requests)."""
    if "[" in name:
        return ""  # the guesser, or a tagged variant
    if name == "POST /accounts/login/":
        return "login"
    if method == "GET" and not name.startswith(("GET /api/", "GET /notifications/")):
        return "page view"
    return ""


def sentence() -> str:
    return " ".join(random.choice(WORDS) for _ in range(random.randint(4, 14))).capitalize() + "."


def csrf_from(response) -> str:
    match = CSRF_INPUT.search(response.text or "")
    return match[1] if match else ""


class Browser:
    """Requests as one browser tab: the proxy's headers, results by name, no redirects followed."""

    def __init__(self, client, address):
        self.client = client
        # nginx's upstream requests: HTTP/1.0-style, one per connection (proxy_http_version
        # 1.0 is its default). With gthread workers gunicorn honours keep-alive, and
        # requests would reuse a connection just as gunicorn closes it (a reset).
        self.headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https", "Connection": "close"}

    def request(self, method, url, *, name, ok=(200,), expect_429=False, headers=None, **kwargs):
        headers = {**self.headers, **(headers or {})}
        # nginx speaks HTTPS to the browser, so it sends its Secure cookies (session, CSRF);
        # requests would hold them back on this plain-HTTP hop to gunicorn.
        jar = {cookie.name: cookie.value for cookie in self.client.cookies}
        if len(jar) != len(self.client.cookies):  # two cookies of one name: which one counts?
            results["unexpected"]["cookie jar: a cookie name twice"] += 1
        if jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
        if method == "POST":
            headers.setdefault("Referer", ORIGIN + url)
            headers.setdefault("Origin", ORIGIN)
        with self.client.request(
            method,
            url,
            name=name,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
            timeout=TIMEOUT,
            **kwargs,
        ) as response:
            status = response.status_code
            results["statuses"][f"{name} {status}"] += 1

            if status in ok:
                response.success()
            elif status == 429 and expect_429:
                results["expected_429"][name] += 1
                response.success()
            else:
                error = f"HTTP {status}" if status else f"connection error: {response.error!r}"[:200]
                results["unexpected"][f"{name} {status or 'error'}"] += 1
                response.failure(error)
            return response


class Member(HttpUser):
    """A member reading, writing and following, with a notifications poll running beside."""

    weight = 100
    wait_time = between(2, 8)  # reading a page before the next click

    def on_start(self):
        try:
            self.member = next(_members)
        except StopIteration:
            raise StopUser() from None  # never two simulated users on one account
        results["members"] += 1
        number = results["members"]
        self.browser = Browser(self.client, f"10.{number // 250}.{number % 250}.{random.randint(1, 250)}")
        self.others = [m for m in MEMBERS if m["username"] != self.member["username"]]
        self.token = None
        if number % LOGIN_EVERY == 0:
            self.login()
        else:
            # Where requests would put a cookie from http://localhost (it adds ".local" to a
            # dotless host), so the site's own Set-Cookie for it replaces this one.
            self.client.cookies.set(SESSION_COOKIE, self.member["session"], domain="localhost.local", path="/")
        if random.random() < API_SHARE:
            self.get_token()
        # A second connection of the same browser (same cookies): the navbar's poll, double clicks.
        self.tab = Browser(self.session(), self.browser.headers["X-Forwarded-For"])
        self.poller = gevent.spawn(self.poll_notifications)

    def on_stop(self):
        poller = getattr(self, "poller", None)
        if poller is not None:
            poller.kill(block=False)

    def login(self):
        page = self.browser.request("GET", "/accounts/login/", name="GET /accounts/login/")
        response = self.browser.request(
            "POST",
            "/accounts/login/",
            name="POST /accounts/login/",
            ok=(302,),
            data={"login": self.member["username"], "password": PASSWORD, "csrfmiddlewaretoken": csrf_from(page)},
        )
        if response.status_code != 302:
            raise StopUser()

    def get_token(self):
        response = self.browser.request(
            "POST", "/api/tokens", name="POST /api/tokens", auth=(self.member["username"], PASSWORD)
        )
        if response.status_code == 200:
            self.token = response.json()["token"]

    def session(self):
        session = HttpSession(self.host, request_event=self.environment.events.request, user=self)
        session.cookies = self.client.cookies
        return session

    def poll_notifications(self):
        """The navbar's script: GET /notifications/?since=<last seen>, every POLL_SECONDS."""
        poll = Browser(self.session(), self.browser.headers["X-Forwarded-For"])
        since = time.time()
        while True:
            gevent.sleep(POLL_SECONDS * random.uniform(0.8, 1.2))
            response = poll.request("GET", f"/notifications/?since={since:.6f}", name="GET /notifications/?since=")
            if response.status_code == 200:
                since = max([since, *(row["timestamp"] for row in response.json())])

    def click(self, method, url, **kwargs):
        """A form's button; now and then clicked twice, both requests at once (two workers
        racing on the same row). Returns every response."""
        if random.random() >= DOUBLE_CLICK:
            return [self.browser.request(method, url, **kwargs)]
        results["double_clicks"][kwargs["name"]] += 1
        clicks = [gevent.spawn(browser.request, method, url, **kwargs) for browser in (self.browser, self.tab)]
        gevent.joinall(clicks)
        return [click.get() for click in clicks]

    def other(self):
        # A few popular members get a fifth of the attention: concurrent follows of, and
        # messages to, the same member (their unread-count notification is one row).
        if random.random() < 0.2:
            popular = [m for m in MEMBERS[:3] if m is not self.member]
            return random.choice(popular)["username"]
        return random.choice(self.others)["username"]

    def read_older(self, path, response, *, pages: int):
        """Click "Older" (the a[rel=next] link) up to `pages` times, as a reader scrolling back."""
        for _ in range(pages):
            match = OLDER_LINK.search(response.text or "")
            if not match:
                return
            response = self.browser.request("GET", path + html.unescape(match[1]), name=f"GET {path}?before=…")

    @task(30)
    def home(self):
        response = self.browser.request("GET", "/", name="GET /")
        if random.random() < 0.3:
            self.read_older("/", response, pages=random.randint(1, 3))

    @task(12)
    def explore(self):
        response = self.browser.request("GET", "/explore/", name="GET /explore/")
        if random.random() < 0.3:
            self.read_older("/explore/", response, pages=random.randint(1, 5))

    @task(12)
    def profile(self):
        self.browser.request("GET", f"/user/{self.other()}/", name="GET /user/<name>/")

    @task(3)
    def own_profile(self):
        self.browser.request("GET", f"/user/{self.member['username']}/", name="GET /user/<me>/")

    @task(8)
    def post(self):
        home = self.browser.request("GET", "/", name="GET /")
        responses = self.click(
            "POST",
            "/",
            name="POST / (new post)",
            ok=(302,),
            data={"body": sentence(), "csrfmiddlewaretoken": csrf_from(home)},
        )
        for response in responses:
            # Accepted: redirected home with "Your post is now live!" (a refusal re-renders the form, 200).
            if response.status_code == 302 and response.headers.get("Location") == "/":
                results["posts_accepted"][self.member["username"]] += 1

    @task(4)
    def api(self):
        if self.token is None:
            return self.home()
        auth = {"Authorization": f"Bearer {self.token}"}
        self.browser.request("GET", "/api/timeline", name="GET /api/timeline", headers=auth)
        if random.random() < 0.5:
            response = self.browser.request(
                "POST", "/api/posts", name="POST /api/posts", ok=(201,), headers=auth, json={"body": sentence()}
            )
            if response.status_code == 201:
                results["posts_accepted"][self.member["username"]] += 1

    @task(6)
    def follow_or_unfollow(self):
        profile = self.browser.request("GET", f"/user/{self.other()}/", name="GET /user/<name>/")
        match = FOLLOW_FORM.search(profile.text or "")
        if match:
            kind = "unfollow" if match[1].endswith("/unfollow/") else "follow"
            # Twice at once, one of the two finds the follow there (or gone) already: a message, not a 500.
            self.click(
                "POST",
                match[1],
                name=f"POST /user/<name>/{kind}/",
                ok=(302,),
                data={"csrfmiddlewaretoken": csrf_from(profile)},
            )

    @task(5)
    def inbox(self):
        self.browser.request("GET", "/messages/", name="GET /messages/")

    @task(2)
    def message(self):
        url = f"/messages/new/{self.other()}/"
        form = self.browser.request("GET", url, name="GET /messages/new/<name>/")
        self.browser.request(
            "POST",
            url,
            name="POST /messages/new/<name>/",
            ok=(302,),
            data={"body": sentence(), "csrfmiddlewaretoken": csrf_from(form)},
        )

    @task(3)
    def search(self):
        self.browser.request("GET", f"/search/?q={random.choice(WORDS)}", name="GET /search/?q=")


class Guesser(HttpUser):
    """Someone guessing one member's password from one address, as fast as the site answers,
    a fixed number of times: more than both limits allow, whatever the load, so each must
    answer 429 in the end. Those 429s are the intended ones; nobody else may get one."""

    fixed_count = 1
    done = False
    LOGIN_GUESSES = 25  # more than LOGIN_FAILURES_LIMIT (20) wrong passwords in 15 minutes
    TOKEN_GUESSES = 8  # API: 5 token requests a minute per address and per account

    def on_start(self):
        self.browser = Browser(self.client, "203.0.113.7")
        self.browser.headers["Accept-Language"] = "en"  # to recognise the lockout's message

    @task
    def guess(self):
        for _ in range(self.TOKEN_GUESSES):
            response = self.browser.request(
                "POST",
                "/api/tokens",
                name="POST /api/tokens [wrong password]",
                ok=(401,),
                expect_429=True,
                auth=(TARGET, sentence()),
            )
            if response.status_code == 401:
                results["token_failures"] += 1
        for _ in range(self.LOGIN_GUESSES):
            page = self.browser.request("GET", "/accounts/login/", name="GET /accounts/login/ [guesser]")
            response = self.browser.request(
                "POST",
                "/accounts/login/",
                name="POST /accounts/login/ [wrong password]",
                ok=(200,),  # the form again, with an error
                expect_429=True,
                data={"login": TARGET, "password": sentence(), "csrfmiddlewaretoken": csrf_from(page)},
            )
            if response.status_code in (200, 429):
                results["login_guesses"] += 1
            if LOCKED_OUT in (response.text or "") and results["first_lockout"] is None:
                results["first_lockout"] = results["login_guesses"]
        self.done = True

    def wait_time(self):
        # Idle once done; a waiting user is stopped at once when the run ends.
        return 10**6 if self.done else 0


def write_results(**_kwargs):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results["generator_cpu_seconds"] = usage.ru_utime + usage.ru_stime
    results["generator_wall_seconds"] = time.monotonic() - _started
    data = {key: dict(value) if isinstance(value, dict) else value for key, value in results.items()}
    data["expected_429_reasons"] = EXPECTED_429
    with open(RESULTS_FILE, "w") as out:
        json.dump(data, out, indent=1, sort_keys=True)


def record_time(request_type, name, response_time, **_kwargs):
    """Every request's time as locust measures it (to the last byte), by kind."""
    kind = category(request_type, name)
    if kind:
        results["times"][kind].append(round(response_time, 1))


events.request.add_listener(record_time)
events.test_stop.add_listener(write_results)
events.quitting.add_listener(write_results)
