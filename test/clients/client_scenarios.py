"""Scenarios the vitest suite runs with Debian's python3 against a live mlwatch.

python3 client_scenarios.py SCENARIO URL MODEL -> one JSON line on stdout.
"""
import json
import socket
import sys
import time

from mlwatch_client import Monitor


def event(i):
    return {"price": 100.0 + (i % 50), "age": 20 + (i % 60), "country": ["US", "DE", "FR", "JP"][i % 4], "returning": i % 3 == 0}


def deliver(url, model):
    """Events arrive, counts exact; labels go to the labels endpoint and join the predictions of their ids."""
    monitor = Monitor(url, model, batch_size=100, flush_interval=0.2)
    for i in range(1000):
        monitor.log(event(i), {"score": (i % 100) / 100}, id="e%d" % i, latency_ms=5 + i % 7, model_version="1.0.0")
    monitor.log({"price": float("nan"), "age": 30, "country": "DE", "returning": False}, 0.5)
    monitor.log({"price": 1}, "not-a-score", latency_ms=-1)  # refused by mlwatch: negative latency
    for i in range(5):
        monitor.log_label("e%d" % i, "yes")
    monitor.flush(10)
    return monitor.stats().as_dict()


def exit_flush(url, model):
    """Events logged just before the interpreter exits are still sent (atexit)."""
    monitor = Monitor(url, model, batch_size=10_000, flush_interval=60)
    for i in range(50):
        monitor.log(event(i), 0.5)
    return {"queued": monitor.stats().queued}


def down(url, model):
    """mlwatch accepts connections but never answers: log() is not slowed, drops are counted."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(1024)  # never accept(): connections complete in the backlog, requests hang
    port = hung.getsockname()[1]
    monitor = Monitor("http://127.0.0.1:%d" % port, model, queue_size=200, batch_size=50, flush_interval=0.05, timeout=1.0)
    features = event(1)
    slowest = 0.0
    started = time.perf_counter()
    for i in range(20_000):
        t = time.perf_counter()
        monitor.log(features, 0.5)
        slowest = max(slowest, time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    flushed = monitor.flush(15)
    stats = monitor.stats().as_dict()
    hung.close()
    refused = Monitor("http://127.0.0.1:%d" % port, model, flush_interval=0.05, timeout=1.0)
    for i in range(30):
        refused.log(features, 0.5)
    refused.flush(5)
    return {"stats": stats, "flushed": flushed, "slowest_s": slowest, "loop_s": elapsed, "refused": refused.stats().as_dict()}


if __name__ == "__main__":
    scenario, url, model = sys.argv[1:4]
    print(json.dumps({"deliver": deliver, "exit_flush": exit_flush, "down": down}[scenario](url, model)))
