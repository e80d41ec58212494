from accounts.models import User
from posts.language import language_detect
from posts.models import Post


def post_create(*, author: User, body: str) -> Post:
    """Publish a post, with its language detected ('' when unsure). Search indexing hooks in here."""
    body = body.strip()
    return Post.objects.create(author=author, body=body, language=language_detect(body))
