"""How long Monitor.log() takes on the caller's thread (a benchmark, not a test).

    python3 clients/python/bench/bench_log.py [--url http://127.0.0.1:9801 --model credit] [--calls 200000]

Without --url it starts a local HTTP server in this process that answers every batch like
mlwatch does, so the sender thread runs (and competes for the GIL) as it would in production.
Prints the median, p90, p99 and max of single log() calls with a 10-feature event, offered at
--rate events per second, and what the sender thread delivered meanwhile.
"""
import argparse
import http.server
import json
import statistics
import sys
import threading
import time
import os

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from mlwatch_client import Monitor  # noqa: E402


class Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        text = json.dumps({"accepted": body.count(b"\n"), "rejected": 0, "errors": []}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--model", default="credit")
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=20_000, help="events per second offered (a busy model server)")
    args = parser.parse_args()
    url = args.url
    if url is None:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d" % server.server_address[1]
    monitor = Monitor(url, args.model, queue_size=50_000)
    features = {"income": 52000.0, "age": 41, "debt_ratio": 0.31, "session_duration_ms": 183000, "employment_years": 7,
                "credit_lines": 3, "loan_amount": 25000, "country": "DE", "channel": "web", "has_mortgage": True}
    prediction = {"score": 0.81, "label": "approved"}
    timings = []
    clock = time.perf_counter_ns
    for i in range(args.calls):
        t = clock()
        monitor.log(features, prediction, id=i, latency_ms=23.5)
        timings.append(clock() - t)
        if i % 100 == 99:
            time.sleep(100 / args.rate)  # a model server does other work between requests
    monitor.flush(30)
    timings.sort()
    q = lambda p: timings[min(len(timings) - 1, int(p * len(timings)))] / 1000
    stats = monitor.stats()
    print("python %s, %d calls: log() median %.2f us, p90 %.2f us, p99 %.2f us, max %.1f us; sent %d, dropped %d"
          % (sys.version.split()[0], len(timings), statistics.median(timings) / 1000, q(0.9), q(0.99), timings[-1] / 1000, stats.sent, stats.dropped))


if __name__ == "__main__":
    main()
