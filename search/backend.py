"""The Whoosh backend, tuned for Microblog (HAYSTACK_CONNECTIONS uses it by default).

- A query word is looked up in `text` (English) and in every `text_<language>`
  field, each analysed the way that field was indexed.
- Equal relevance → the newer post first.
- A search that meets a commit by another process reads the new generation.
- A search on a missing index says so (the page shows a polite message)
  instead of silently creating an empty one; an index update recreates it.
- Writes and deletes in batches, one commit each; no mmap (see setup)."""

from contextlib import contextmanager

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.exceptions import SearchBackendError, SkipDocument
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.qparser import MultifieldPlugin, QueryParser
from whoosh.query import WeightingQuery
from whoosh.util.filelock import try_for

# Added to each term's score in proportion to the post's date: it is far smaller
# than any real difference in BM25 relevance, so it only decides ties.
TIE_BREAK = 1e-3
# Seconds to wait for another process's write lock on the index; after that
# a LockError makes the Celery task retry.
WRITE_LOCK_TIMEOUT = 10
# Times a search reads the index again when a commit by another process removed
# the files of the generation it had started reading.
READ_ATTEMPTS = 5
# Whoosh stores dates as microseconds since the year 1; this is the year ~3170.
_DATE_SCALE = 1e17


class _NewestOnTiesScorer(scoring.BaseScorer):
    def __init__(self, scorer, created_column):
        self.scorer = scorer
        self.created = created_column

    def score(self, matcher):
        created = self.created[matcher.id()] if self.created is not None else 0
        # Members have no date: the column holds a placeholder outside the range.
        recency = created / _DATE_SCALE if 0 < created < _DATE_SCALE else 0
        return self.scorer.score(matcher) + TIE_BREAK * recency

    def max_quality(self):
        # Whoosh skips documents that cannot beat the current top scores; the
        # bound must include the largest tie-break (recency is below 1).
        return self.scorer.max_quality() + TIE_BREAK

    def supports_block_quality(self):
        return False


class NewestOnTies(scoring.BM25F):
    """BM25F relevance; among equally relevant documents the newer one wins."""

    def scorer(self, searcher, fieldname, text, qf=1):
        reader = searcher.reader()
        created = reader.column_reader("created", translate=False) if reader.has_column("created") else None
        return _NewestOnTiesScorer(super().scorer(searcher, fieldname, text, qf), created)


class _WeightedQuery(WeightingQuery):
    # Whoosh 2.7.4's WeightingQuery.matcher drops the context it builds
    # (context.set returns a copy), so its weighting is never used.
    def matcher(self, searcher, context=None):
        context = (context or searcher.context()).set(weighting=self.weighting)
        return self.child.matcher(searcher, context)


class RankedParser(QueryParser):
    """Looks each word up in all `fieldnames`; ranks with NewestOnTies."""

    def __init__(self, fieldnames, schema):
        super().__init__(None, schema)
        self.add_plugin(MultifieldPlugin(fieldnames))

    def parse(self, text, normalize=True, debug=False):
        return _WeightedQuery(super().parse(text, normalize=normalize, debug=debug), NewestOnTies())


class MicroblogWhooshBackend(WhooshSearchBackend):
    def setup(self):
        super().setup()
        if self.use_file_storage:
            # Without mmap Whoosh reads what a search needs; with it, it copies
            # whole segment parts into memory on every search, which is slower.
            self.storage = FileStorage(self.path, supports_mmap=False)
            self.index = self.storage.open_index(schema=self.schema)
        fields = [self.content_field_name] + sorted(
            name for name in self.schema.names() if name.startswith(f"{self.content_field_name}_")
        )
        self.parser = RankedParser(fields, schema=self.schema)

    def _index_is_missing(self) -> bool:
        return self.use_file_storage and not whoosh_index.exists_in(self.path)

    def search(self, query_string, **kwargs):
        # A commit (the Celery worker indexing a post) deletes the previous generation's
        # files; a search that listed the folder just before opens a file that is gone.
        # The new generation is complete by then, so reading again finds it.
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                if self._index_is_missing():
                    raise SearchBackendError(f"There is no search index in {self.path}: run manage.py rebuild_index.")
                return super().search(query_string, **kwargs)
            except FileNotFoundError:
                if attempt == READ_ATTEMPTS:
                    raise

    def update(self, index, iterable, commit=True):
        """Index a batch of objects in one commit. The base class calls
        update_document per object, which opens a reader over every segment
        each time (slower the larger the index grows); one reader per batch
        finds the documents to replace."""
        if self._index_is_missing():
            # Deleted while we were running: start a new one (setup creates it).
            self.setup_complete = False
        if not self.setup_complete:
            self.setup()
        documents = {}
        for obj in iterable:
            try:
                prepared = index.full_prepare(obj)
            except SkipDocument:
                continue
            prepared.pop("boost", None)  # document boosts do not exist in Whoosh 2.5+
            documents[prepared[ID]] = {key: self._from_python(value) for key, value in prepared.items()}
        if not documents:
            return
        self.index = self.index.refresh()
        with self._writer() as writer:
            self._delete(writer, documents)
            for document in documents.values():
                writer.add_document(**document)

    def clear(self, models=None, commit=True):
        if models is None and self.use_file_storage:
            # Clearing everything deletes the files without opening the index first (as
            # the base class does), so rebuild_index also repairs an index too damaged to open.
            self.delete_index()
            return
        super().clear(models=models, commit=commit)

    def remove(self, obj_or_string, commit=True):
        self.remove_many([obj_or_string])

    def remove_many(self, objs_or_strings):
        """Delete several documents in one commit (the base class commits per document)."""
        if self._index_is_missing() or not objs_or_strings:
            return
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        with self._writer() as writer:
            self._delete(writer, [get_identifier(obj_or_string) for obj_or_string in objs_or_strings])

    @contextmanager
    def _writer(self):
        """The index's writer, holding its write lock. Whoosh's SegmentWriter takes the lock
        and then creates its files; when that fails (disk full, permission denied) it never
        lets go, and every later write in this process would wait and fail with LockError.
        So the lock is taken and always released here."""
        lock = self.index.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=WRITE_LOCK_TIMEOUT, delay=0.1):
            raise LockError
        try:
            with self.index.writer(_lk=False) as writer:
                yield writer
        finally:
            lock.release()

    @staticmethod
    def _delete(writer, identifiers):
        # One reader for all (writer.delete_by_term opens one per call).
        with writer.searcher() as searcher:
            for identifier in identifiers:
                docnum = searcher.document_number(**{ID: identifier})
                if docnum is not None:
                    writer.delete_document(docnum)


class MicroblogWhooshEngine(WhooshEngine):
    backend = MicroblogWhooshBackend
