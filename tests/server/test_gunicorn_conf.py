"""The production gunicorn settings hand the GIL over every millisecond in each worker."""

import importlib
import sys


def test_each_worker_switches_threads_every_millisecond_unless_told_otherwise(monkeypatch, tmp_path):
    # Importing the settings points prometheus at a metrics folder; keep that out of other tests.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    gunicorn_conf = importlib.import_module("server.gunicorn_conf")
    before = sys.getswitchinterval()
    try:
        monkeypatch.delenv("PYTHON_SWITCH_INTERVAL", raising=False)
        gunicorn_conf.post_worker_init(worker=None)
        assert sys.getswitchinterval() == 0.001
        monkeypatch.setenv("PYTHON_SWITCH_INTERVAL", "0.002")
        gunicorn_conf.post_worker_init(worker=None)
        assert sys.getswitchinterval() == 0.002
    finally:
        sys.setswitchinterval(before)
