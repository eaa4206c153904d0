"""gunicorn settings for production: `gunicorn -c python:server.gunicorn_conf 'server:create_app()'`.

Sets up prometheus_client's multiprocess mode, so `/metrics` sums every worker's counters:
each worker writes its values into PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder
unless the operator names one), and a worker that exits is marked dead there. Workers,
threads and the bind address follow gunicorn's usual environment (GUNICORN_CMD_ARGS) or
the command line.
"""

import os
import shutil
import tempfile

_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _dir:
    # Values of a previous run would be summed in; start empty.
    shutil.rmtree(_dir, ignore_errors=True)
    os.makedirs(_dir, exist_ok=True)
else:
    _dir = tempfile.mkdtemp(prefix="rallyhub-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _dir

worker_class = "gthread"


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
