"""Each translation backend against a local server speaking that service's API."""

import threading

import pytest
from werkzeug import Response

from posts.translation import (
    DeepLTranslator,
    LibreTranslateTranslator,
    MicrosoftTranslator,
    TranslationError,
    TranslationTimeout,
)


def make(backend, httpserver, key="secret", region="", timeout=2.0):
    return backend(key=key, url=httpserver.url_for("/"), region=region, timeout=timeout)


@pytest.fixture
def slow():
    """A handler that answers only when the test is over (after the client gave up)."""
    released = threading.Event()

    def handler(_request):
        released.wait(5)
        return Response("{}", content_type="application/json")

    yield handler
    # Free the local server's only thread for the next test.
    released.set()


# Microsoft Translator (Azure AI Translator, REST API v3)


def test_microsoft_sends_the_v3_request_and_reads_the_translation(httpserver):
    httpserver.expect_oneshot_request(
        "/translate",
        method="POST",
        query_string={"api-version": "3.0", "to": "es", "from": "en"},
        headers={"Ocp-Apim-Subscription-Key": "secret", "Ocp-Apim-Subscription-Region": "westeurope"},
        json=[{"Text": "Good morning"}],
    ).respond_with_json([{"translations": [{"text": "Buenos días", "to": "es"}]}])

    translator = make(MicrosoftTranslator, httpserver, region="westeurope")

    assert translator.translate("Good morning", source="en", target="es") == "Buenos días"
    httpserver.check_assertions()


def test_microsoft_lets_the_service_detect_an_unknown_source(httpserver):
    httpserver.expect_oneshot_request("/translate", query_string={"api-version": "3.0", "to": "de"}).respond_with_json(
        [{"detectedLanguage": {"language": "fr", "score": 1.0}, "translations": [{"text": "Hallo"}]}]
    )

    assert make(MicrosoftTranslator, httpserver).translate("Salut", source="", target="de") == "Hallo"
    assert "Ocp-Apim-Subscription-Region" not in httpserver.log[0][0].headers


def test_microsoft_reports_an_error_answer(httpserver):
    httpserver.expect_request("/translate").respond_with_json(
        {"error": {"code": 401000, "message": "The request is not authorized."}}, status=401
    )

    with pytest.raises(TranslationError, match="failed"):
        make(MicrosoftTranslator, httpserver).translate("Hi", source="en", target="es")


def test_microsoft_reports_an_unexpected_answer(httpserver):
    httpserver.expect_request("/translate").respond_with_json({"unexpected": True})

    with pytest.raises(TranslationError, match="could not read"):
        make(MicrosoftTranslator, httpserver).translate("Hi", source="en", target="es")


def test_microsoft_gives_up_after_the_timeout(httpserver, slow):
    httpserver.expect_request("/translate").respond_with_handler(slow)

    with pytest.raises(TranslationTimeout):
        make(MicrosoftTranslator, httpserver, timeout=0.2).translate("Hi", source="en", target="es")


# DeepL API v2


def test_deepl_sends_its_request_and_reads_the_translation(httpserver):
    httpserver.expect_oneshot_request(
        "/v2/translate",
        method="POST",
        headers={"Authorization": "DeepL-Auth-Key secret"},
        json={"text": ["Guten Morgen"], "target_lang": "FR", "source_lang": "DE"},
    ).respond_with_json({"translations": [{"detected_source_language": "DE", "text": "Bonjour"}]})

    assert make(DeepLTranslator, httpserver).translate("Guten Morgen", source="de", target="fr") == "Bonjour"
    httpserver.check_assertions()


def test_deepl_asks_for_an_english_variant_and_may_detect_the_source(httpserver):
    httpserver.expect_oneshot_request(
        "/v2/translate", json={"text": ["Hola"], "target_lang": "EN-US"}
    ).respond_with_json({"translations": [{"detected_source_language": "ES", "text": "Hello"}]})

    assert make(DeepLTranslator, httpserver).translate("Hola", source="", target="en") == "Hello"
    httpserver.check_assertions()


def test_deepl_picks_the_free_endpoint_for_a_free_key():
    free = DeepLTranslator(key="abc:fx", url="", region="", timeout=1)
    paid = DeepLTranslator(key="abc", url="", region="", timeout=1)

    assert (free.url, paid.url) == ("https://api-free.deepl.com", "https://api.deepl.com")


@pytest.mark.parametrize("status", [403, 456, 500])
def test_deepl_reports_an_error_answer(httpserver, status):
    # 403: bad key; 456: quota exceeded; 500: the service is down.
    httpserver.expect_request("/v2/translate").respond_with_json({"message": "nope"}, status=status)

    with pytest.raises(TranslationError):
        make(DeepLTranslator, httpserver).translate("Hola", source="es", target="de")


def test_deepl_reports_an_answer_that_is_not_json(httpserver):
    httpserver.expect_request("/v2/translate").respond_with_data("<html>gateway</html>", content_type="text/html")

    with pytest.raises(TranslationError, match="could not read"):
        make(DeepLTranslator, httpserver).translate("Hola", source="es", target="de")


def test_deepl_gives_up_after_the_timeout(httpserver, slow):
    httpserver.expect_request("/v2/translate").respond_with_handler(slow)

    with pytest.raises(TranslationTimeout):
        make(DeepLTranslator, httpserver, timeout=0.2).translate("Hola", source="es", target="de")


# LibreTranslate (self-hosted)


def test_libretranslate_sends_its_request_with_the_optional_key(httpserver):
    httpserver.expect_oneshot_request(
        "/translate",
        method="POST",
        json={"q": "Bonjour", "source": "fr", "target": "es", "format": "text", "api_key": "secret"},
    ).respond_with_json({"translatedText": "Buenos días"})

    assert make(LibreTranslateTranslator, httpserver).translate("Bonjour", source="fr", target="es") == "Buenos días"
    httpserver.check_assertions()


def test_libretranslate_works_without_a_key_and_detects_the_source(httpserver):
    httpserver.expect_oneshot_request(
        "/translate", json={"q": "Bonjour", "source": "auto", "target": "en", "format": "text"}
    ).respond_with_json({"detectedLanguage": {"confidence": 90, "language": "fr"}, "translatedText": "Hello"})

    assert make(LibreTranslateTranslator, httpserver, key="").translate("Bonjour", source="", target="en") == "Hello"
    httpserver.check_assertions()


def test_libretranslate_reports_an_error_answer(httpserver):
    httpserver.expect_request("/translate").respond_with_json({"error": "target language not supported"}, status=400)

    with pytest.raises(TranslationError, match="failed"):
        make(LibreTranslateTranslator, httpserver).translate("Bonjour", source="fr", target="xx")


def test_libretranslate_gives_up_after_the_timeout(httpserver, slow):
    httpserver.expect_request("/translate").respond_with_handler(slow)

    with pytest.raises(TranslationTimeout):
        make(LibreTranslateTranslator, httpserver, timeout=0.2).translate("Bonjour", source="fr", target="en")


def test_an_unreachable_service_is_reported(httpserver):
    url = httpserver.url_for("/")
    httpserver.stop()
    try:
        translator = LibreTranslateTranslator(key="", url=url, region="", timeout=1)
        with pytest.raises(TranslationError, match="cannot be reached"):
            translator.translate("Bonjour", source="fr", target="en")
    finally:
        httpserver.start()
