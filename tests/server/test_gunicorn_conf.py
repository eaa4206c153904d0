"""The production gunicorn settings: each worker hands the GIL over every millisecond and
keeps the loaded app out of the garbage collector's full passes."""

import gc
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
        assert gc.get_freeze_count() > 1000  # the modules and objects loaded so far
        monkeypatch.setenv("PYTHON_SWITCH_INTERVAL", "0.002")
        gunicorn_conf.post_worker_init(worker=None)
        assert sys.getswitchinterval() == 0.002
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()
