"""Python side of `npm run bench`: PyTorch CPU and numpy, printed as one JSON object.

Run by bench/run.ts with Debian's python3 (`apt-get install python3-torch libopenblas0-pthread`).
Both use the system BLAS (OpenBLAS when libopenblas0-pthread is installed). For the MLP, torch thread
counts 1 and 2 are tried and the best is reported (with 2 OpenBLAS threads, 2 x 2 can oversubscribe).
"""
import json
import os
import statistics
import sys
import time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
sizes = json.loads(os.environ.get("BENCH_SIZES", "[256, 512, 1024]"))
mlp_sizes = json.loads(os.environ.get("BENCH_MLP", "[784, 512, 512, 10]"))
batch = int(os.environ.get("BENCH_BATCH", "128"))
lstm_sizes = json.loads(os.environ.get("BENCH_LSTM", '{"input": 32, "hidden": 128, "seq": 50, "batch": 64}'))
cnn_batch = int(os.environ.get("BENCH_CNN_BATCH", "64"))
transformer_sizes = json.loads(os.environ.get(
    "BENCH_TRANSFORMER", '{"dModel": 256, "nhead": 4, "dimFeedforward": 1024, "seq": 128, "batch": 32}'))


def blas_name():
    """Debian links the generic libblas.so.3, which points at OpenBLAS when libopenblas0-pthread is
    installed: report the library actually mapped into this process."""
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


def timed_both(fn, reps, warmup=1):
    """`timed` with both clocks: seconds per call per run by the wall clock and by this process's CPU
    time (time.process_time: all its threads), which other jobs on a shared machine disturb far less."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(reps):
            fn()
        wall.append((time.perf_counter() - t0) / reps)
        cpu.append((time.process_time() - c0) / reps)
    return wall, cpu


def transformer_row(torch):
    """One training step of a batch-first post-norm nn.TransformerEncoderLayer (dropout 0, mean of the
    output, SGD), with 1 and 2 torch threads: (best samples/s list, threads)."""
    s = transformer_sizes

    def measure(threads):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        layer = torch.nn.TransformerEncoderLayer(s["dModel"], s["nhead"], s["dimFeedforward"], dropout=0.0,
                                                 batch_first=True)
        opt = torch.optim.SGD(layer.parameters(), lr=0.01)
        x = torch.rand(s["batch"], s["seq"], s["dModel"])

        def step():
            opt.zero_grad()
            loss = layer(x).mean()
            loss.backward()
            opt.step()
            loss.item()

        return [s["batch"] / t for t in timed(step, 2, warmup=1)]

    threads, best = max(((t, measure(t)) for t in (1, 2)), key=lambda r: statistics.median(r[1]))
    return best, threads


def dqn_rows(torch):
    """The DQN rows: one update of the CartPole network (4-120-84-2, batch 32: online and target
    forward, Huber loss, backward, Adam; the batch is drawn from numpy arrays each step, as from a
    replay buffer) and one greedy action (batch-1 forward under no_grad, argmax read). One torch
    thread: at these sizes more threads only add dispatch."""
    import numpy as np

    torch.set_num_threads(1)
    torch.manual_seed(0)
    nn = torch.nn
    sizes = json.loads(os.environ.get("BENCH_DQN", '{"sizes": [4, 120, 84, 2], "batch": 32}'))
    s, b = sizes["sizes"], sizes["batch"]

    def net():
        return nn.Sequential(nn.Linear(s[0], s[1]), nn.ReLU(), nn.Linear(s[1], s[2]), nn.ReLU(), nn.Linear(s[2], s[3]))

    q, target = net(), net()
    opt = torch.optim.Adam(q.parameters(), lr=2.5e-4)
    rng = np.random.default_rng(0)
    n = 1000
    obs = (rng.normal(size=(n, s[0])) * 0.1).astype(np.float32)
    nxt = (rng.normal(size=(n, s[0])) * 0.1).astype(np.float32)
    act = rng.integers(0, s[3], n)
    rew = np.ones(n, np.float32)
    done = (rng.random(n) < 0.05).astype(np.float32)

    def update():
        i = rng.integers(0, n, b)
        o, o2 = torch.from_numpy(obs[i]), torch.from_numpy(nxt[i])
        a, r, d = torch.from_numpy(act[i]), torch.from_numpy(rew[i]), torch.from_numpy(done[i])
        with torch.no_grad():
            y = r + 0.99 * (1 - d) * target(o2).max(1).values
        qa = q(o).gather(1, a.unsqueeze(1)).squeeze(1)
        loss = torch.nn.functional.huber_loss(qa, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    one = np.array([0.01, -0.02, 0.03, 0.04], np.float32)

    def greedy():
        with torch.no_grad():
            return int(q(torch.from_numpy(one).unsqueeze(0)).argmax(1).item())

    # the same warm-up as bench/dqn_bench.ts gives Strata (where V8 optimises the hot functions)
    train, train_cpu = timed_both(update, 200, warmup=300)
    act, act_cpu = timed_both(greedy, 2000, warmup=3000)
    per_second = lambda ts: [1 / t for t in ts]
    return per_second(train), per_second(act), per_second(train_cpu), per_second(act_cpu)


if os.environ.get("BENCH_ONLY") == "dqn":
    import torch

    train, act, train_cpu, act_cpu = dqn_rows(torch)
    print(json.dumps({"torch": {"version": torch.__version__, "dqnTrain": train, "dqnAct": act,
                                "dqnTrainCpu": train_cpu, "dqnActCpu": act_cpu}}))
    sys.exit(0)

if os.environ.get("BENCH_ONLY") == "transformer":
    import torch

    row, threads = transformer_row(torch)
    print(json.dumps({"torch": {"version": torch.__version__, "transformer": row, "transformerThreads": threads}}))
    sys.exit(0)

results = {}
try:
    import numpy as np

    rng = np.random.default_rng(0)
    results["numpy"] = {"version": np.__version__, "matmul": {}}
    for n in sizes:
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        ts = timed(lambda: a @ b, 10 if n <= 512 else 2)
        results["numpy"]["matmul"][str(n)] = [2 * n**3 / t / 1e9 for t in ts]
    results["numpy"]["blas"] = blas_name()
except ImportError:
    pass

try:
    import torch
except ImportError:
    torch = None

if torch is not None:
    torch.manual_seed(0)
    res = {"version": torch.__version__, "matmul": {}}
    for n in sizes:
        a, b = torch.rand(n, n), torch.rand(n, n)
        ts = timed(lambda: a @ b, 10 if n <= 512 else 2)
        res["matmul"][str(n)] = [2 * n**3 / t / 1e9 for t in ts]

    def mlp(threads):
        torch.set_num_threads(threads)
        layers = []
        for i in range(len(mlp_sizes) - 1):
            layers.append(torch.nn.Linear(mlp_sizes[i], mlp_sizes[i + 1]))
            if i + 2 < len(mlp_sizes):
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = torch.rand(batch, mlp_sizes[0])
        y = torch.randint(0, mlp_sizes[-1], (batch,))

        def step():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            loss.item()

        return [batch / t for t in timed(step, 20, warmup=3)]

    def lstm(threads):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = torch.nn.LSTM(lstm_sizes["input"], lstm_sizes["hidden"], batch_first=True)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = torch.rand(lstm_sizes["batch"], lstm_sizes["seq"], lstm_sizes["input"])

        def step():
            opt.zero_grad()
            loss = model(x)[0].mean()
            loss.backward()
            opt.step()
            loss.item()

        return [lstm_sizes["batch"] / t for t in timed(step, 5, warmup=2)]

    best_lstm = max(((t, lstm(t)) for t in (1, 2)), key=lambda r: statistics.median(r[1]))
    res["lstm"] = best_lstm[1]
    res["lstmThreads"] = best_lstm[0]

    def cnn(threads):
        """The LeNet-like CNN of the bench, NCHW: conv 5x5x32 same, pool, conv 5x5x64, pool, 1024, 10."""
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        nn = torch.nn
        model = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Linear(1024, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = torch.rand(cnn_batch, 1, 28, 28)
        y = torch.randint(0, 10, (cnn_batch,))

        def step():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            loss.item()

        return [cnn_batch / t for t in timed(step, 3, warmup=2)]

    best_cnn = max(((t, cnn(t)) for t in (1, 2)), key=lambda r: statistics.median(r[1]))
    res["cnn"] = best_cnn[1]
    res["cnnThreads"] = best_cnn[0]

    res["transformer"], res["transformerThreads"] = transformer_row(torch)
    res["dqnTrain"], res["dqnAct"], res["dqnTrainCpu"], res["dqnActCpu"] = dqn_rows(torch)

    best = max(((t, mlp(t)) for t in (1, 2)), key=lambda r: statistics.median(r[1]))
    res["mlp"] = best[1]
    res["mlpThreads"] = best[0]
    res["blas"] = blas_name()
    results["torch"] = res

print(json.dumps(results))
