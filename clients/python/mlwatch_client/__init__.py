"""Send a model server's predictions and ground-truth labels to mlwatch.

    from mlwatch_client import Monitor
    monitor = Monitor("http://127.0.0.1:9801", "credit")
    monitor.log({"income": 52000, "country": "DE"}, {"score": 0.81}, id="req-81", latency_ms=23.5)

Standard library only. log() never blocks on the network and never raises: events wait in a
bounded in-memory queue and a background thread sends them as NDJSON batches; what cannot be
queued or sent is counted in Monitor.stats().
"""

from .monitor import Monitor, Stats

__all__ = ["Monitor", "Stats"]
__version__ = "0.1.0"
