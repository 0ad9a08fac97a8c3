"""Large imports outside the request: an ImportJob per upload, run by a thread.

A document over IMPORT_INLINE_MAX_BYTES (1 MB) or IMPORT_INLINE_MAX_STATEMENTS (2,000)
statements becomes a job: the upload page stores the bytes and answers at once with
the job's page, which reloads itself until the job is done. The job is run by a daemon
thread started once the request has committed (IMPORT_JOBS_IN_THREAD, on by default),
or by `manage.py run_import_jobs` for jobs left queued (or interrupted) by a restart.
A job imports through interchange.import_file(), as the page does for small documents,
so its problems are listed in the same words.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from negotiations.exchange.interchange import InvalidDocument, import_file
from negotiations.models import ImportJob

logger = logging.getLogger(__name__)

FAILED_UNEXPECTEDLY = (
    "(document): the import stopped on an unexpected error; nothing was written. "
    "The error is in the server's log."
)


def inline_limits():
    """(bytes, statements) up to which a document is imported inside the request."""
    return (
        getattr(settings, "IMPORT_INLINE_MAX_BYTES", 1_000_000),
        getattr(settings, "IMPORT_INLINE_MAX_STATEMENTS", 2_000),
    )


def queue(raw, *, filename, user, update):
    """Store the upload as a job and have it run once the current transaction commits."""
    job = ImportJob.objects.create(
        user=user, filename=filename, document=raw, size=len(raw), update=update
    )
    if getattr(settings, "IMPORT_JOBS_IN_THREAD", True):
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_thread(job_id):
    """Run the job in a daemon thread, with its own database connection."""
    thread = threading.Thread(
        target=_in_thread, args=(job_id,), name=f"import-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _in_thread(job_id):
    try:
        run(job_id)
    except Exception:  # a thread's exception would otherwise vanish
        logger.exception("Import job %s failed", job_id)
    finally:
        connections.close_all()  # this thread's connections only


def run(job_id):
    """Run one queued job to its end; False if another runner had claimed it."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, stage="Checking"
    )
    if not claimed:
        return False
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    progress = Progress(job_id)
    outcome = {"status": ImportJob.Status.FAILED, "errors": [FAILED_UNEXPECTEDLY]}
    try:
        result = import_file(
            bytes(job.document),
            name=job.filename,
            user=job.user,
            update=job.update,
            progress=progress,
        )
    except InvalidDocument as exc:
        outcome["errors"] = exc.errors
    except Exception:
        logger.exception("Import job %s failed", job_id)
    else:
        outcome = {
            "status": ImportJob.Status.DONE,
            "errors": [],
            "summary": f"Imported {job.filename}: {result.summary()}",
            "negotiation_slug": result.slug,
            "progress_done": progress.total,
        }
    finally:
        progress.close()
    ImportJob.objects.filter(pk=job_id).update(
        **outcome, stage="", document=b"", finished_at=timezone.now()
    )
    return True


def run_queued(stale_after=None, out=None):
    """Run every queued job, oldest first (and, with stale_after, running jobs whose
    heartbeat is older: interrupted by a restart). Returns the jobs run."""
    if stale_after is not None:
        ImportJob.objects.filter(
            status=ImportJob.Status.RUNNING, heartbeat_at__lt=timezone.now() - stale_after
        ).update(status=ImportJob.Status.QUEUED, stage="Queued again after an interruption")
    ran = []
    while True:
        job = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("pk").first()
        if job is None or job.pk in ran:
            return ran
        ran.append(job.pk)
        run(job.pk)
        if out is not None:
            job.refresh_from_db()
            out(job)


class Progress:
    """Writes a job's progress where its page can read it while the import's own
    transaction is still open.

    On PostgreSQL that is a second connection, in autocommit. SQLite lets one
    connection write at a time, and the import holds that lock: there the page shows
    the stage reached before the writing began. Writes at most twice a second.
    """

    def __init__(self, job_id):
        self.job_id = job_id
        self.side = None
        self.last = 0.0
        self.total = 0

    def __call__(self, stage, done=0, total=0):
        self.total = max(self.total, total)
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        values = [stage[:200], done, total, timezone.now(), self.job_id]
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(
                stage=values[0], progress_done=done, progress_total=total, heartbeat_at=values[3]
            )
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.side.ops.quote_name(ImportJob._meta.db_table)
            with self.side.cursor() as cursor:  # ImportJob has no history to write
                cursor.execute(
                    f"UPDATE {table} SET stage = %s, progress_done = %s, progress_total = %s, "
                    "heartbeat_at = %s WHERE id = %s",
                    values,
                )

    def close(self):
        if self.side is not None:
            self.side.close()
