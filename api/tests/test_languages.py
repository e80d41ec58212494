"""The API's human messages follow the client's Accept-Language; the "error"
field stays the HTTP reason phrase, as the original API's clients expect."""

from rest_framework.test import APIClient


def test_an_unknown_path_is_explained_in_spanish(db):
    response = APIClient().get("/api/nothing", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")

    assert response.status_code == 404
    assert response.json() == {
        "error": "Not Found",
        "message": "No hay ningún punto de acceso de la API en esta dirección.",
    }


def test_a_bad_token_is_explained_in_german(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.get("/api/posts", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "message": "Ungültiges oder abgelaufenes Token."}


def test_a_refused_message_is_explained_in_french(alice, alice_api):
    response = alice_api.post(
        "/api/messages", {"recipient": alice.pk, "body": "Coucou"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "recipient: Vous ne pouvez pas vous envoyer un message à vous-même."


def test_english_is_the_default(db):
    response = APIClient().get("/api/nothing")

    assert response.json()["message"] == "No API endpoint at this address."
