"""Run a command; sample the summed RSS of its whole process tree every 0.5 s; print peak."""
import os, subprocess, sys, time
def children():
    kids = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                ppid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(pid))
            except OSError:
                pass
    return kids
def rss(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
start = time.time()
p = subprocess.Popen(sys.argv[1:])
peak = 0
while p.poll() is None:
    kids = children(); todo = [p.pid]; total = 0
    while todo:
        q = todo.pop(); total += rss(q); todo += kids.get(q, [])
    peak = max(peak, total)
    time.sleep(0.5)
print(f"treerss: exit {p.returncode}, wall {time.time()-start:.1f} s, peak summed RSS of the process tree {peak/1024**2:.2f} GB", file=sys.stderr)
