from accounts.models import User
from posts.models import Post


def post_create(*, author: User, body: str) -> Post:
    """Publish a post. Language detection and search indexing hook in here."""
    return Post.objects.create(author=author, body=body.strip())
