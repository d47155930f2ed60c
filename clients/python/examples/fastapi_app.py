"""A FastAPI model server that logs every prediction to the mlwatch sidecar beside it.

    pip install fastapi uvicorn ./clients/python
    MLWATCH_URL=http://127.0.0.1:9801 uvicorn fastapi_app:app --port 8080

The deployment in deploy/kubernetes/sidecar/ sets MLWATCH_URL to mlwatch in the same pod.
"""
import os
import time
import uuid

from fastapi import FastAPI
from pydantic import BaseModel

from mlwatch_client import Monitor

monitor = Monitor(os.environ.get("MLWATCH_URL", "http://127.0.0.1:9801"), "credit")
app = FastAPI()


class Application(BaseModel):
    income: float
    age: float
    debt_ratio: float
    session_duration_ms: float
    employment_years: float | None = None
    credit_lines: float
    loan_amount: float
    country: str
    channel: str
    has_mortgage: bool


class Outcome(BaseModel):
    id: str
    label: str


def score(features: dict) -> float:
    """Your model here; a fixed rule keeps the example self-contained."""
    return min(1.0, max(0.0, 0.9 - features["debt_ratio"] + features["income"] / 1_000_000))


@app.post("/v1/score")
def predict(application: Application) -> dict:
    started = time.perf_counter()
    features = application.model_dump()
    probability = score(features)
    request_id = str(uuid.uuid4())
    # Never blocks and never raises: a full queue or a down sidecar only counts drops.
    monitor.log(
        features,
        {"score": probability, "label": "approved" if probability >= 0.5 else "rejected"},
        id=request_id,
        latency_ms=(time.perf_counter() - started) * 1000,
        model_version="2.3.0",
    )
    return {"id": request_id, "score": probability}


@app.post("/v1/outcomes")
def outcome(result: Outcome) -> dict:
    # Ground truth, once known; counted as dropped until mlwatch joins labels.
    monitor.log_label(result.id, result.label)
    return {"ok": True}


@app.get("/mlwatch-client")
def client_stats() -> dict:
    """What the client did: sent, rejected, dropped (and why), queued."""
    return monitor.stats().as_dict()
