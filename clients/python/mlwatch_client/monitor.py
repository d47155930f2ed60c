"""The Monitor: a bounded queue on the caller's side, a sender thread on the other.

The caller's thread does as little as possible: one tuple and one deque append per event
(deque.append is atomic under the GIL, so no lock). JSON encoding and HTTP happen in the
sender thread, which wakes when a batch is full or every flush_interval seconds.
"""

import atexit
import collections
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref

__all__ = ["Monitor", "Stats"]

_NDJSON = "application/x-ndjson"


class Stats:
    """A snapshot of what a Monitor did with the events and labels it was given.

    logged == sent + rejected + dropped + queued + in_flight for events (likewise for labels),
    exactly so once the sender is idle (after flush()). rejected: mlwatch refused the event (its answer says why; see mlwatch's
    mlwatch_events_rejected_total). dropped: never reached mlwatch (queue full, send failed,
    could not be encoded, or the endpoint refused the whole batch).
    """

    __slots__ = (
        "logged", "sent", "rejected", "dropped_queue_full", "dropped_send_failed", "dropped_unencodable",
        "queued", "in_flight", "labels_logged", "labels_sent", "labels_dropped", "labels_queued", "last_error",
    )

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name, 0 if name != "last_error" else None))

    @property
    def dropped(self):
        return self.dropped_queue_full + self.dropped_send_failed + self.dropped_unencodable

    def as_dict(self):
        values = {name: getattr(self, name) for name in self.__slots__}
        values["dropped"] = self.dropped
        return values

    def __repr__(self):
        return "Stats(%s)" % ", ".join("%s=%r" % item for item in self.as_dict().items())


def _plain(value):
    """json.dumps fallback: numpy scalars and arrays (anything with item()/tolist()), else str."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    return str(value)


class Monitor:
    """Sends prediction events for one model to mlwatch's ingest listener.

    url: mlwatch's ingest address, e.g. "http://127.0.0.1:9801" (the sidecar beside you).
    model: the model's name in mlwatch's config.
    queue_size: events (and, separately, labels) held while mlwatch is slow or down; beyond it
        new ones are dropped and counted, never waited for.
    batch_size / flush_interval: a batch is sent when it is full or this many seconds passed.
    timeout: seconds for one HTTP request (connect and answer) from the sender thread.
    token: the bearer token when mlwatch's ingest.auth_token_env is set.
    exit_timeout: at interpreter exit, how long to keep sending what is queued.
    """

    def __init__(self, url, model, queue_size=10000, batch_size=500, flush_interval=1.0,
                 timeout=2.0, token=None, exit_timeout=5.0):
        if queue_size < 1 or batch_size < 1 or flush_interval <= 0 or timeout <= 0:
            raise ValueError("queue_size and batch_size must be at least 1; flush_interval and timeout positive")
        base = url.rstrip("/")
        name = urllib.parse.quote(model, safe="")
        self._predictions_url = "%s/v1/models/%s/predictions" % (base, name)
        self._labels_url = "%s/v1/models/%s/labels" % (base, name)
        self._headers = {"content-type": _NDJSON}
        if token:
            self._headers["authorization"] = "Bearer " + token
        self._queue_size = queue_size
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._timeout = timeout
        self._events = collections.deque()
        self._labels = collections.deque()
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._closed = False
        # Caller-side counters change only when dropping (the slow path), under this lock:
        # += is not atomic across threads, and log() may be called from many.
        self._drop_lock = threading.Lock()
        self._dropped_queue_full = 0
        self._labels_dropped_queue = 0
        self._in_flight = 0
        self._labels_in_flight = 0
        # Written by the sender thread only.
        self._sent = self._rejected = self._dropped_send_failed = self._dropped_unencodable = 0
        self._labels_sent = self._labels_dropped_send = 0
        self._last_error = None
        self._thread = None
        self._start()
        atexit.register(_close_at_exit, weakref.ref(self), exit_timeout)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_restart_in_child(weakref.ref(self)))

    # --- the caller's side: never blocks, never raises ---

    def log(self, features, prediction=None, id=None, latency_ms=None, variant=None,
            model_version=None, timestamp=None):
        """Queue one prediction event; False when it was dropped (queue full or closed).

        features: {name: value}; it is copied, so the caller may reuse it. prediction: a number,
        a label, or {"label"?, "score"?, "scores"?}. id: for joining a later label. variant is
        sent as the event's "variant" (mlwatch ignores it until variants exist).
        """
        events = self._events
        if self._closed or len(events) >= self._queue_size:
            with self._drop_lock:
                self._dropped_queue_full += 1
            return False
        try:
            events.append((dict(features), prediction, id, latency_ms, variant, model_version, timestamp))
        except Exception:  # features not a mapping: count it, never raise into the model server
            with self._drop_lock:
                self._dropped_unencodable += 1
            return False
        if len(events) >= self._batch_size:
            self._wake.set()
        return True

    def log_label(self, id, label):
        """Queue the ground truth for the event logged with `id`; False when dropped.

        mlwatch joins it to the prediction with the same id (POST /v1/models/{model}/labels);
        a batch mlwatch refuses whole is counted as labels_dropped (with last_error saying so), never raised.
        """
        if self._closed or len(self._labels) >= self._queue_size:
            with self._drop_lock:
                self._labels_dropped_queue += 1
            return False
        self._labels.append((id, label))
        if len(self._labels) >= self._batch_size:
            self._wake.set()
        return True

    def stats(self):
        """What happened to the events and labels so far (a snapshot)."""
        stats = Stats(
            sent=self._sent, rejected=self._rejected,
            dropped_queue_full=self._dropped_queue_full, dropped_send_failed=self._dropped_send_failed,
            dropped_unencodable=self._dropped_unencodable, queued=len(self._events), in_flight=self._in_flight,
            labels_sent=self._labels_sent, labels_dropped=self._labels_dropped_queue + self._labels_dropped_send,
            labels_queued=len(self._labels), last_error=self._last_error,
        )
        stats.logged = stats.sent + stats.rejected + stats.dropped + stats.queued + stats.in_flight
        stats.labels_logged = stats.labels_sent + stats.labels_dropped + stats.labels_queued + self._labels_in_flight
        return stats

    def flush(self, timeout=None):
        """Wait until everything queued so far was sent (or dropped); True unless timed out."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._events or self._labels or self._busy:
                self._wake.set()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(0.05 if remaining is None else min(0.05, remaining))
        return True

    def close(self, timeout=None):
        """Send what is queued (up to `timeout` seconds), then stop; later log() calls drop."""
        if self._closed:
            return
        flushed = self.flush(timeout)
        self._closed = True
        self._wake.set()
        if flushed and self._thread is not None:
            self._thread.join(timeout)

    # --- the sender thread ---

    def _start(self):
        self._thread = threading.Thread(target=self._run, name="mlwatch-sender", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._closed:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            self._drain()

    def _drain(self):
        with self._idle:
            self._busy = True
        try:
            while self._events:
                batch = _take(self._events, self._batch_size)
                self._in_flight = len(batch)
                self._send_events(batch)
                self._in_flight = 0
            while self._labels:
                batch = _take(self._labels, self._batch_size)
                self._labels_in_flight = len(batch)
                self._send_labels(batch)
                self._labels_in_flight = 0
        finally:
            with self._idle:
                self._busy = False
                self._idle.notify_all()

    def _send_events(self, batch):
        lines = []
        for features, prediction, id, latency_ms, variant, model_version, timestamp in batch:
            event = {"features": features}
            if prediction is not None:
                event["prediction"] = prediction
            if id is not None:
                event["id"] = id
            if latency_ms is not None:
                event["latency_ms"] = latency_ms
            if variant is not None:
                event["variant"] = variant
            if model_version is not None:
                event["model_version"] = model_version
            if timestamp is not None:
                event["timestamp"] = timestamp
            try:
                # allow_nan: mlwatch reads bare NaN/Infinity and counts them as non-finite.
                lines.append(json.dumps(event, default=_plain, allow_nan=True, separators=(",", ":")))
            except Exception:
                with self._drop_lock:
                    self._dropped_unencodable += 1
        if not lines:
            return
        answer = self._post(self._predictions_url, lines)
        if answer is None:
            self._dropped_send_failed += len(lines)
            return
        accepted = answer.get("accepted")
        rejected = answer.get("rejected")
        if isinstance(accepted, int) and isinstance(rejected, int) and accepted + rejected == len(lines):
            self._sent += accepted
            self._rejected += rejected
        else:
            self._sent += len(lines)

    def _send_labels(self, batch):
        lines = []
        for id, label in batch:
            try:
                lines.append(json.dumps({"id": id, "label": label}, default=_plain, separators=(",", ":")))
            except Exception:
                self._labels_dropped_send += 1
        if lines and self._post(self._labels_url, lines) is not None:
            self._labels_sent += len(lines)
        elif lines:
            self._labels_dropped_send += len(lines)

    def _post(self, url, lines):
        """The answer's JSON (an empty dict when it is not JSON) for a 2xx, else None."""
        body = ("\n".join(lines) + "\n").encode("utf-8")
        request = urllib.request.Request(url, data=body, headers=self._headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            self._last_error = "%s answered %d" % (url, error.code)
            if error.code == 400:
                # Every event of the batch was refused: the answer says why; count them as rejected.
                return {"accepted": 0, "rejected": len(lines)} if url == self._predictions_url else None
            return None
        except Exception as error:  # connection refused, timeout, DNS: mlwatch is not there
            self._last_error = "%s: %s" % (url, error)
            return None
        try:
            answer = json.loads(text)
            return answer if isinstance(answer, dict) else {}
        except ValueError:
            return {}


def _take(queue, count):
    batch = []
    try:
        for _ in range(count):
            batch.append(queue.popleft())
    except IndexError:
        pass
    return batch


def _close_at_exit(ref, timeout):
    monitor = ref()
    if monitor is not None:
        monitor.close(timeout)


def _restart_in_child(ref):
    def restart():
        monitor = ref()
        if monitor is None:
            return
        # The parent's sender thread does not exist in the child: start one, with fresh locks.
        monitor._wake = threading.Event()
        monitor._idle = threading.Condition()
        monitor._busy = False
        monitor._start()
    return restart

