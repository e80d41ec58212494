from django.dispatch import Signal

# Members deactivated in bulk (an UPDATE, so no post_save): pks=[…]. Caches that count
# members (posts.counts) listen to it.
members_deactivated = Signal()
