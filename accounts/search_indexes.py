"""Search index of members (Haystack): the "People" part of search results
matches usernames and about-me text."""

from haystack import indexes

from accounts.models import User


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
