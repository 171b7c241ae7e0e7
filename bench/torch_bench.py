"""PyTorch CPU side of `npm run bench`: prints one JSON object. Run by bench/run.ts with Debian's python3.

Thread settings follow what is fastest on a 2-core machine: torch threads x OpenBLAS threads, best of
those tried is reported (2 x 2 oversubscribes).
"""
import json
import os
import statistics
import sys
import time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
import torch  # noqa: E402

torch.manual_seed(0)


def blas_name():
    """Debian's torch links the generic libblas.so.3, which the alternatives system points at OpenBLAS
    when libopenblas0-pthread is installed: read which library is actually mapped."""
    torch.rand(64, 64) @ torch.rand(64, 64)
    try:
        maps = open("/proc/self/maps").read()
    except OSError:
        return "unknown BLAS"
    for needle, name in (("openblas", "OpenBLAS"), ("libmkl", "MKL"), ("libblis", "BLIS"), ("libblas", "reference BLAS")):
        if needle in maps:
            return name
    return "unknown BLAS"


def timed(fn, reps, warmup=1):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t0) / reps)
    return out


def matmul(n):
    a, b = torch.rand(n, n), torch.rand(n, n)
    ts = timed(lambda: a @ b, 10 if n <= 256 else 3)
    return [2 * n**3 / t / 1e9 for t in ts]


def mlp(sizes, batch, steps):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(batch, sizes[0])
    y = torch.randint(0, sizes[-1], (batch,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    ts = timed(step, steps, warmup=3)
    return [batch / t for t in ts]


results = {"torch": torch.__version__, "blas": blas_name(), "threads": torch.get_num_threads(), "matmul": {}}
for n in json.loads(os.environ.get("BENCH_SIZES", "[256, 512, 1024]")):
    results["matmul"][str(n)] = matmul(n)
best = None
for threads in (1, 2):
    torch.set_num_threads(threads)
    samples = mlp([784, 512, 512, 10], 128, 20)
    if best is None or statistics.median(samples) > statistics.median(best[1]):
        best = (threads, samples)
results["mlp"] = best[1]
results["mlpThreads"] = best[0]
print(json.dumps(results))
