"""Run one command and write what it used, so that bench/run.py reports the command's own peak memory.

    python -S bench/spawn.py RESULT.json TIMEOUT_SECONDS COMMAND...

A process forked from the benchmark would start with the benchmark's own resident size as its peak
(the kernel keeps the high-water mark across exec), so the benchmark starts this small launcher instead,
and the launcher spawns the command. It kills the command's whole session at the timeout or when it is
itself stopped, and writes wall, user+sys and peak (of the command and every child it waited for) as JSON.
"""

import json
import os
import signal
import sys
import time


def main() -> int:
    result, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    killed: list[int] = []
    start = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, dict(os.environ), setsid=True)

    def stop(signum: int, frame: object) -> None:
        killed.append(signum)
        os.killpg(pid, signal.SIGKILL)

    for signum in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    signal.setitimer(signal.ITIMER_REAL, timeout)  # 0: no limit
    _, status, usage = os.wait4(pid, 0)  # retried after a handler returns, so the command is always reaped
    wall = time.perf_counter() - start
    signal.setitimer(signal.ITIMER_REAL, 0)
    with open(result, "w", encoding="utf-8") as file:
        json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss * 1024,
                   "code": os.waitstatus_to_exitcode(status), "timed_out": signal.SIGALRM in killed}, file)
    return 130 if signal.SIGINT in killed or signal.SIGTERM in killed else 0


if __name__ == "__main__":
    sys.exit(main())
