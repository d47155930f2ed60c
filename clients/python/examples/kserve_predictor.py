"""A KServe custom predictor (kserve.Model) that logs to mlwatch itself.

Use this when KServe's own logger is not an option (e.g. you want the model's latency as the
model measured it, or only some requests). Otherwise point the InferenceService's
`logger:` at mlwatch: deploy/kubernetes/kserve/ and docs/kubernetes.md.

    pip install kserve ./clients/python
    python kserve_predictor.py --model_name credit
"""
import os
import time

import kserve

from mlwatch_client import Monitor

FEATURES = ["income", "age", "debt_ratio", "session_duration_ms", "employment_years",
            "credit_lines", "loan_amount", "country", "channel", "has_mortgage"]


class CreditModel(kserve.Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.monitor = Monitor(os.environ.get("MLWATCH_URL", "http://mlwatch-kserve:9801"), name)
        self.ready = True

    def predict(self, payload: dict, headers: dict = None) -> dict:
        started = time.perf_counter()
        rows = payload["instances"]
        scores = [self.score(dict(zip(FEATURES, row))) for row in rows]
        elapsed_ms = (time.perf_counter() - started) * 1000 / max(1, len(rows))
        request_id = (headers or {}).get("x-request-id")
        for i, (row, probability) in enumerate(zip(rows, scores)):
            self.monitor.log(
                dict(zip(FEATURES, row)),
                probability,
                id=None if request_id is None else "%s:%d" % (request_id, i),
                latency_ms=elapsed_ms,
            )
        return {"predictions": scores}

    @staticmethod
    def score(features: dict) -> float:
        """Your model here."""
        return min(1.0, max(0.0, 0.9 - features["debt_ratio"] + features["income"] / 1_000_000))


if __name__ == "__main__":
    model = CreditModel("credit")
    kserve.ModelServer().start([model])
