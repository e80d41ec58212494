"""The export email speaks the member's saved language, whatever language the worker happens to run in."""

import pytest
from django.core import mail
from django.utils import translation

from posts.services import posts_export_start
from posts.tests.factories import PostFactory

SITE = "https://microblog.example/"

# What each language must say: subject, greeting, attachment line, link line, signature.
EXPECTED = {
    "es": [
        "Tus publicaciones de Microblog",
        "Hola, alice:",
        "Tus publicaciones van adjuntas a este correo en un archivo JSON.",
        "También puedes descargar el archivo aquí (tienes que haber iniciado sesión):",
        "El equipo de Microblog",
    ],
    "de": [
        "Deine Microblog-Beiträge",
        "Hallo alice,",
        "Deine Beiträge hängen dieser E-Mail als JSON-Datei an.",
        "Du kannst die Datei auch hier herunterladen (dafür musst du angemeldet sein):",
        "Dein Microblog-Team",
    ],
    "fr": [
        "Vos publications Microblog",
        "Bonjour alice,",
        "Vos publications sont jointes à cet e-mail dans un fichier JSON.",
        "Vous pouvez aussi télécharger le fichier ici (vous devez être connecté) :",
        "L’équipe Microblog",
    ],
    "en": [
        "Your Microblog posts",
        "Hi alice,",
        "Your posts are attached to this email as a JSON file.",
        "You can also download the file here (you need to be logged in):",
        "The Microblog team",
    ],
}


@pytest.fixture(autouse=True)
def _job_files_in_tmp(settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"


def _export_email(user, *, worker_language, capture, page_language=""):
    PostFactory(author=user, body="Hola a todos")
    # The task runs eagerly, in this thread, under the worker's language.
    with translation.override(worker_language), capture(execute=True):
        posts_export_start(user=user, site_url=SITE, language=page_language)
        assert translation.get_language() == worker_language  # the member's language did not stick
    (email,) = mail.outbox
    return email


@pytest.mark.parametrize(
    ("saved", "worker_language"),
    [("es", "de"), ("de", "fr"), ("fr", "es")],
)
def test_the_export_email_is_in_the_members_saved_language(
    alice, saved, worker_language, django_capture_on_commit_callbacks
):
    alice.language = saved
    alice.save()

    email = _export_email(alice, worker_language=worker_language, capture=django_capture_on_commit_callbacks)

    subject, *lines = EXPECTED[saved]
    (html, mimetype) = email.alternatives[0]
    assert email.subject == subject
    assert mimetype == "text/html"
    for line in lines:
        assert line in email.body
        assert line in html
    assert email.attachments  # the attachment line above is true
    # Nothing of the English email is left, in either part.
    for english in EXPECTED["en"]:
        assert english not in email.subject and english not in email.body and english not in html


def test_a_member_without_a_saved_language_gets_the_sites_default(alice, django_capture_on_commit_callbacks, settings):
    # The worker cannot know which language a member browses in unless they saved one.
    alice.language = ""
    alice.save()

    email = _export_email(alice, worker_language="es", capture=django_capture_on_commit_callbacks)

    assert settings.LANGUAGE_CODE == "en"
    assert email.subject == "Your Microblog posts"
    assert all(line in email.body for line in EXPECTED["en"][1:])


def test_without_a_saved_language_the_email_follows_the_page_the_export_started_from(
    alice, django_capture_on_commit_callbacks
):
    alice.language = ""
    alice.save()

    email = _export_email(alice, worker_language="de", page_language="fr", capture=django_capture_on_commit_callbacks)

    assert email.subject == EXPECTED["fr"][0]
    assert all(line in email.body for line in EXPECTED["fr"][1:])


def test_the_export_view_passes_the_pages_language(alice, client_for, django_capture_on_commit_callbacks):
    alice.language = ""
    alice.save()
    client = client_for(alice)

    PostFactory(author=alice, body="Guten Morgen zusammen, wie geht es euch allen heute?")  # German, not French
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/export/", HTTP_ACCEPT_LANGUAGE="fr")

    assert mail.outbox[0].subject == EXPECTED["fr"][0]
