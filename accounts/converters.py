class UsernameConverter:
    """Matches only what a username may contain (UnicodeUsernameValidator), so
    odd URLs such as /user/a%00b/ are a 404 before any query runs
    (PostgreSQL rejects NUL bytes with an error, not an empty result)."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
