"""The Mastodon client API (https://docs.joinmastodon.org/methods/) and its OAuth 2
server, beside the project's own REST API, so that Mastodon apps work with Microblog."""
