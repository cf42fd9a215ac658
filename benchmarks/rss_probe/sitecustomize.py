"""Records the peak RSS and lifetime of every Python process the benchmark starts (module processes included).

The benchmark puts this directory first on PYTHONPATH and sets AVEPOINT_BENCH_RSS_LOG; each
Python process of the run then appends one JSON line when it exits normally. Forked workers
leave through os._exit and record nothing, which is right: they are not interpreters of their own.
"""

import os

_LOG = os.environ.get("AVEPOINT_BENCH_RSS_LOG")

if _LOG:
    import atexit
    import json
    import resource
    import sys
    import time

    _STARTED = time.monotonic()

    def _record_peak_rss():
        entry = {
            "pid": os.getpid(),
            "program": os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "",
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "seconds": time.monotonic() - _STARTED,
        }
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    atexit.register(_record_peak_rss)
