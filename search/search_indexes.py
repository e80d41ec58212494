"""Search indexes of posts and members (Haystack finds both here, in
`search.search_indexes`).

Every post goes into `text`, analysed as English (Porter stemming), and a post
whose detected language Whoosh can stem also goes into `text_<language>`,
analysed with that language's Snowball stemmer: the query is run against all
of them (see search/backend.py). Members go into `people`: the "People" part
of search results matches usernames and about-me text."""

from haystack import indexes
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.lang import has_stemmer, has_stopwords, languages, stemmer_for_language, stopwords_for_language

from accounts.models import User
from posts.models import Post


def _language_analyzer(code: str):
    # English stop words are dropped in every field, as in `text`: otherwise a
    # query word that `text` ignores ("the") would be required in another field.
    stoplist = STOP_WORDS | frozenset(stopwords_for_language(code) if has_stopwords(code) else ())
    return StemmingAnalyzer(stoplist=stoplist, stemfn=stemmer_for_language(code))


# Languages with a Snowball stemmer in Whoosh, apart from English (`text` covers
# it) and Arabic, whose ISRI stemmer in Whoosh 2.7.4 fails on Python 3.7+ (a
# "bad escape" in a regular expression).
STEMMED_LANGUAGES = tuple(code for code in languages if code not in ("en", "ar") and has_stemmer(code))
ENGLISH_ANALYZER = StemmingAnalyzer()
LANGUAGE_ANALYZERS = {code: _language_analyzer(code) for code in STEMMED_LANGUAGES}


def language_field_name(code: str) -> str:
    return f"text_{code}"


def stemmed_language(language: str) -> str | None:
    """The code of the stemmer for a post's `language` ("pt-br" → "pt"), if Whoosh has one."""
    code = language.lower().split("-")[0]
    return code if code in LANGUAGE_ANALYZERS else None


def analyzers_for(language: str) -> list:
    """The analysers a post in `language` is indexed with (for highlighting)."""
    code = stemmed_language(language)
    return [ENGLISH_ANALYZER, LANGUAGE_ANALYZERS[code]] if code else [ENGLISH_ANALYZER]


# One optional field per language; Haystack collects fields from base classes.
LanguageFields = type(
    "LanguageFields",
    (indexes.SearchIndex,),
    {
        language_field_name(code): indexes.CharField(null=True, indexed=True, stored=False, analyzer=analyzer)
        for code, analyzer in LANGUAGE_ANALYZERS.items()
    },
)


class PostIndex(LanguageFields, indexes.Indexable):
    text = indexes.CharField(document=True, model_attr="body")
    author_id = indexes.IntegerField(model_attr="author_id")
    created = indexes.DateTimeField(model_attr="created")
    language = indexes.CharField(model_attr="language", null=True)

    def get_model(self):
        return Post

    def index_queryset(self, using=None):
        # Deactivated members' posts stay out of the index (rebuild_index, update_index), and
        # so do deleted posts (tombstones) and boosts (a boost has no text of its own).
        return Post.objects.visible().filter(reblog_of__isnull=True)

    def read_queryset(self, using=None):
        # Results are loaded in one query per page; a post whose author was
        # deactivated a moment ago is dropped here even before the index catches up.
        return Post.objects.visible().filter(reblog_of__isnull=True).select_related("author")

    def get_updated_field(self):
        return None

    def prepare(self, obj):
        data = super().prepare(obj)
        if code := stemmed_language(obj.language):
            data[language_field_name(code)] = obj.body
        return data


class UserIndex(indexes.SearchIndex, indexes.Indexable):
    # Haystack wants the same document field in every index; members leave it
    # empty so that a post search (on `text`) never needs to filter them out,
    # which costs Whoosh more than the search itself on a large index.
    text = indexes.CharField(document=True, default="")
    people = indexes.CharField()

    def get_model(self):
        return User

    def index_queryset(self, using=None):
        return User.objects.filter(is_active=True)

    def read_queryset(self, using=None):
        return User.objects.filter(is_active=True)

    def prepare_text(self, obj):
        return ""

    def prepare_people(self, obj):
        # "olivia_17" is one token to the analyser; its parts make "olivia" match too.
        parts = obj.username.replace("_", " ").replace("-", " ").replace(".", " ")
        return f"{obj.username} {parts}\n{obj.about_me}"
