"""Starts the commands measure.py measures, from a small process (run as `python -I -S`).

Linux reports a finished process's peak memory (ru_maxrss) as the largest of every program the
process ran, including the copy of its parent it was forked as: a command forked from the
benchmark's own big Python process would report at least that process's size. Forked from this
small one instead, the floor is this process's size (a few MiB), below any command measured.

Reads one JSON request per line ({"args", "env", "stdout", "stderr"}: output goes to those
files), answers {"pid"} when the command started, then {"status", "cpu_s", "maxrss_kib"}.
"""

import json
import os
import sys


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        pid = os.fork()
        if pid == 0:
            try:
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(out, 1)
                os.dup2(err, 2)
                if request.get("cwd"):
                    os.chdir(request["cwd"])
                os.execvpe(request["args"][0], request["args"], request["env"])
            except BaseException as exc:  # the command could not start: say why, as its stderr
                os.write(2, f"cannot run {request['args'][0]}: {exc}\n".encode())
            finally:
                os._exit(127)
        os.close(out)
        os.close(err)
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()
        _, status, usage = os.wait4(pid, 0)
        sys.stdout.write(json.dumps({"status": os.waitstatus_to_exitcode(status),
                                     "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
