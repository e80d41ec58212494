import pytest

from api.tests.conftest import basic


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "1000/minute", "token": "1000/minute", **rates},
        }

    return set_rates


def test_the_token_endpoint_counts_failed_guesses(anon_api, alice, rates):
    rates(token="3/minute")
    for _ in range(3):
        assert anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice", "guess")).status_code == 401
    # Even the right password waits now.
    response = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice"))
    assert response.status_code == 429
    assert response.json()["error"] == "Too Many Requests"
    assert int(response["Retry-After"]) > 0


def test_the_token_endpoint_limits_guesses_at_one_member_from_many_addresses(anon_api, alice, rates):
    rates(token="2/minute")
    for address in ["10.0.0.1", "10.0.0.2"]:
        anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice", "guess"), REMOTE_ADDR=address)
    response = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("ALICE", "guess"), REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429
    # Another member, from a fresh address, is not held up.
    response = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("bob", "guess"), REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 401


def test_anonymous_requests_are_limited(anon_api, db, rates):
    rates(anon="2/minute")
    assert anon_api.post("/api/users", {}, format="json").status_code == 400
    assert anon_api.post("/api/users", {}, format="json").status_code == 400
    response = anon_api.post("/api/users", {}, format="json")
    assert response.status_code == 429
    assert response.json()["error"] == "Too Many Requests"


def test_members_are_limited_per_member(alice_api, bob_api, alice, bob, rates):
    rates(user="2/minute")
    assert alice_api.get("/api/posts").status_code == 200
    assert alice_api.get("/api/posts").status_code == 200
    assert alice_api.get("/api/posts").status_code == 429
    assert bob_api.get("/api/posts").status_code == 200


def test_wrong_bearer_tokens_are_limited_per_address(anon_api, alice, rates):
    # Issue 21, item 14: authentication fails before DRF's throttles run, so guesses went uncounted.
    rates(bad_token="3/minute")
    guess = {"HTTP_AUTHORIZATION": "Bearer not-a-token", "REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        assert anon_api.get("/api/users", **guess).status_code == 401
    response = anon_api.get("/api/users", **guess)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Even the right token waits now, from that address; another address is not held up.
    token = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    right = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert anon_api.get("/api/users", REMOTE_ADDR="10.0.0.1", **right).status_code == 429
    assert anon_api.get("/api/users", REMOTE_ADDR="10.0.0.2", **right).status_code == 200


def test_right_bearer_tokens_do_not_count(anon_api, alice, rates):
    rates(bad_token="2/minute")
    token = anon_api.post("/api/tokens", HTTP_AUTHORIZATION=basic("alice")).json()["token"]
    for _ in range(4):
        assert anon_api.get("/api/users", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
