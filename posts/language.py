"""Which language a post is written in, detected when it is saved.

Lingua (lingua-language-detector) is built for short text and is deterministic.
Its models are large, so it runs in low-accuracy mode (trigrams only) over a
fixed list of widely written languages: under 80 MB resident per process and 0.15 s
to load, against ~570 MB in high-accuracy mode for the same languages, with the
same result on our labelled sample (posts/tests/language_samples.py).
The detector is built on first use, never at import, and then kept."""

import re
from functools import cache

# ISO 639-1 codes the detector chooses among; a post in another language gets ''.
DETECTABLE_LANGUAGES = ("ar ca cs da de el en es fi fr he hi hu id it ja ko nb nl pl pt ro ru sv tr uk vi zh").split()

# How far ahead the best language must be of the runner-up (0..1): below it, ''.
MINIMUM_RELATIVE_DISTANCE = 0.1


# Links and @mentions say nothing about the language a post is written in.
_NOT_PROSE = re.compile(r"\b(?:https?://|www\.)\S*|@\w+", re.IGNORECASE)


@cache
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in DETECTABLE_LANGUAGES]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_minimum_relative_distance(MINIMUM_RELATIVE_DISTANCE)
        .build()
    )


def language_detect(text: str) -> str:
    """The ISO 639-1 code of `text`'s language, or '' when unsure."""
    prose = _NOT_PROSE.sub(" ", text)
    if not any(character.isalpha() for character in prose):
        return ""
    language = _detector().detect_language_of(prose)
    return language.iso_code_639_1.name.lower() if language else ""
