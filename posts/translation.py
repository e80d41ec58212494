"""Live translation of posts through an outside service, chosen in settings:

    TRANSLATOR=microsoft       Azure AI Translator, REST API v3 (TRANSLATOR_KEY, TRANSLATOR_REGION)
    TRANSLATOR=deepl           DeepL API v2 (TRANSLATOR_KEY; ":fx" keys use the free endpoint)
    TRANSLATOR=libretranslate  a LibreTranslate server (TRANSLATOR_URL, optional TRANSLATOR_KEY)

With TRANSLATOR empty the feature is off and no "Translate" link is shown.
Each backend speaks its service's own request and response format; all of them
raise TranslationError with a message fit for the reader."""

import hashlib
import logging

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A translation of a given text does not change; keep it a month.
CACHE_SECONDS = 30 * 24 * 3600


class TranslationError(Exception):
    """The service failed or refused; str(error) is shown to the reader."""


class TranslationTimeout(TranslationError):
    """The service did not answer within TRANSLATOR_TIMEOUT seconds."""


class Translator:
    """A translation service. `source` is an ISO 639-1 code or '' to let the service detect it."""

    default_url = ""

    def __init__(self, *, key: str, url: str, region: str, timeout: float):
        self.key = key
        self.url = (url or self.default_url).rstrip("/")
        self.region = region
        self.timeout = timeout

    def translate(self, text: str, *, source: str, target: str) -> str:
        raise NotImplementedError

    def _post(self, path: str, **kwargs) -> object:
        try:
            response = requests.post(f"{self.url}{path}", timeout=self.timeout, **kwargs)
        except requests.Timeout as error:
            raise TranslationTimeout(_("The translation service did not answer in time.")) from error
        except requests.RequestException as error:
            logger.warning("translation service unreachable: %s", error)
            raise TranslationError(_("The translation service cannot be reached.")) from error
        if response.status_code != 200:
            # The body may explain (bad key, quota); log it for the operator, not the reader.
            logger.warning("translation service answered %s: %s", response.status_code, response.text[:500])
            raise TranslationError(_("The translation service failed. Please try again later."))
        try:
            return response.json()
        except ValueError as error:
            raise TranslationError(_("The translation service sent an answer we could not read.")) from error


def _unreadable(error: Exception) -> TranslationError:
    logger.warning("unexpected answer from the translation service: %r", error)
    return TranslationError(_("The translation service sent an answer we could not read."))


class MicrosoftTranslator(Translator):
    """https://learn.microsoft.com/azure/ai-services/translator/reference/v3-0-translate"""

    default_url = "https://api.cognitive.microsofttranslator.com"

    def translate(self, text, *, source, target):
        params = {"api-version": "3.0", "to": target}
        if source:
            params["from"] = source
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        if self.region:
            # Required for regional and multi-service resources.
            headers["Ocp-Apim-Subscription-Region"] = self.region
        answer = self._post("/translate", params=params, headers=headers, json=[{"Text": text}])
        try:
            return answer[0]["translations"][0]["text"]
        except (KeyError, IndexError, TypeError) as error:
            raise _unreadable(error) from error


class DeepLTranslator(Translator):
    """https://developers.deepl.com/docs/api-reference/translate"""

    # DeepL asks for a variant when translating into English or Portuguese.
    TARGET_VARIANTS = {"en": "EN-US", "pt": "PT-PT"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not kwargs["url"]:
            # Free-plan keys end in ":fx" and only work on the free endpoint.
            free = self.key.endswith(":fx")
            self.url = "https://api-free.deepl.com" if free else "https://api.deepl.com"

    def translate(self, text, *, source, target):
        payload = {"text": [text], "target_lang": self.TARGET_VARIANTS.get(target, target.upper())}
        if source:
            payload["source_lang"] = source.upper()
        answer = self._post("/v2/translate", headers={"Authorization": f"DeepL-Auth-Key {self.key}"}, json=payload)
        try:
            return answer["translations"][0]["text"]
        except (KeyError, IndexError, TypeError) as error:
            raise _unreadable(error) from error


class LibreTranslateTranslator(Translator):
    """https://docs.libretranslate.com/guides/api_usage/ (a self-hosted server)."""

    def translate(self, text, *, source, target):
        payload = {"q": text, "source": source or "auto", "target": target, "format": "text"}
        if self.key:
            payload["api_key"] = self.key
        answer = self._post("/translate", json=payload)
        try:
            return answer["translatedText"]
        except (KeyError, TypeError) as error:
            raise _unreadable(error) from error


BACKENDS = {
    "microsoft": MicrosoftTranslator,
    "deepl": DeepLTranslator,
    "libretranslate": LibreTranslateTranslator,
}


def translator_get() -> Translator | None:
    """The configured service, or None when translation is off (read per call)."""
    backend = BACKENDS.get(settings.TRANSLATOR)
    if backend is None:
        return None
    return backend(
        key=settings.TRANSLATOR_KEY,
        url=settings.TRANSLATOR_URL,
        region=settings.TRANSLATOR_REGION,
        timeout=settings.TRANSLATOR_TIMEOUT,
    )


def translation_enabled() -> bool:
    return settings.TRANSLATOR in BACKENDS


def post_needs_translation(post, target: str) -> bool:
    """Whether to offer a translation of `post` to a reader of `target`: only when
    we know the post's language and it differs from the reader's."""
    return bool(post.language) and post.language != target.split("-")[0] and translation_enabled()


def post_translate(*, post, target: str) -> str:
    """`post`'s body in `target`, from the cache or the configured service.

    Cached per (post, body, target): the same post is sent to the service once
    per language, and an edited body gets a fresh translation."""
    translator = translator_get()
    if translator is None:
        raise TranslationError(_("Translation is not available on this site."))
    digest = hashlib.sha256(post.body.encode()).hexdigest()[:16]
    key = f"translation:{settings.TRANSLATOR}:{post.pk}:{target}:{digest}"
    translated = cache.get(key)
    if translated is None:
        translated = translator.translate(post.body, source=post.language, target=target)
        cache.set(key, translated, timeout=CACHE_SECONDS)
    return translated
