#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for Strata's TypeScript tests.

Run with Debian's interpreter (which has python3-torch installed):

    /usr/bin/python3 scripts/gen_fixtures.py

Everything is deterministic: each group of cases uses its own fixed seed and
all numerical work is done in float64 (except tostring.json, which uses
PyTorch's default float32 because that is what printing shows).  The JSON
format is documented in test/fixtures/README.md.  The TypeScript tests only
read the generated JSON; they never run Python.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")

torch.set_default_dtype(torch.float64)
torch.set_printoptions(profile="default")

F64 = torch.float64


# ---------------------------------------------------------------------------
# helpers


def gen(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g, dtype=F64) * scale


def uniform(g, lo, hi, *shape):
    return torch.rand(*shape, generator=g, dtype=F64) * (hi - lo) + lo


def T(t):
    """Serialise a tensor as {"shape", "data"} (row-major)."""
    t = t.detach()
    shape = list(t.shape)
    if t.dtype in (torch.int32, torch.int64):
        return {"shape": shape, "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    data = [float(v) for v in t.to(F64).reshape(-1).tolist()]
    for v in data:
        if not math.isfinite(v):
            raise ValueError("non-finite value in fixture tensor")
    return {"shape": shape, "data": data}


def write(name, cases, extra=None):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    head = {"torch_version": torch.__version__}
    if extra:
        head.update(extra)
    # One case per line: compact but still diff-friendly.
    lines = ["{"]
    for k, v in head.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v, allow_nan=False)))
    lines.append('  "cases": [')
    for i, c in enumerate(cases):
        sep = "," if i < len(cases) - 1 else ""
        lines.append("    " + json.dumps(c, allow_nan=False, separators=(",", ":")) + sep)
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity check
    with open(path, "w") as f:
        f.write(text)
    print("wrote %-20s %3d cases %8d bytes" % (name, len(cases), len(text)))


# ---------------------------------------------------------------------------
# losses.json

REDUCTIONS = ["mean", "sum", "none"]


def loss_case(name, loss, options, fn, inp, target):
    x = inp.clone().requires_grad_(True)
    out = fn(x, target)
    out.sum().backward()
    return {
        "name": name,
        "loss": loss,
        "options": options,
        "input": T(inp),
        "target": T(target),
        "output": T(out),
        "grad_input": T(x.grad),
    }


def gen_losses():
    cases = []
    g = gen(1001)

    # --- regression losses, (3,4)
    reg_in = randn(g, 3, 4)
    reg_tg = randn(g, 3, 4)

    # keep |input - target| away from the kinks at 0, 0.5 and 1 (l1/huber/smoothL1)
    def near_kink(d):
        d = d.abs()
        return (d < 0.05) | ((d - 0.5).abs() < 0.05) | ((d - 1.0).abs() < 0.05)

    bad = near_kink(reg_in - reg_tg)
    while bad.any():
        reg_tg = torch.where(bad, randn(g, 3, 4), reg_tg)
        bad = near_kink(reg_in - reg_tg)
    for r in REDUCTIONS:
        cases.append(loss_case("mseLoss_" + r, "mseLoss", {"reduction": r},
                               lambda x, t: F.mse_loss(x, t, reduction=r), reg_in, reg_tg))
    for r in REDUCTIONS:
        cases.append(loss_case("l1Loss_" + r, "l1Loss", {"reduction": r},
                               lambda x, t: F.l1_loss(x, t, reduction=r), reg_in, reg_tg))
    for delta in (1.0, 0.5):
        for r in REDUCTIONS:
            cases.append(loss_case("huberLoss_delta%s_%s" % (delta, r), "huberLoss",
                                   {"reduction": r, "delta": delta},
                                   lambda x, t: F.huber_loss(x, t, reduction=r, delta=delta),
                                   reg_in, reg_tg))
    for beta in (1.0, 0.5):
        for r in REDUCTIONS:
            cases.append(loss_case("smoothL1Loss_beta%s_%s" % (beta, r), "smoothL1Loss",
                                   {"reduction": r, "beta": beta},
                                   lambda x, t: F.smooth_l1_loss(x, t, reduction=r, beta=beta),
                                   reg_in, reg_tg))

    # --- classification, logits (4,5)
    logits = randn(g, 4, 5, scale=2.0)
    idx = torch.tensor([1, 0, 4, 2], dtype=torch.int64)
    idx_ign = torch.tensor([1, -100, 4, 2], dtype=torch.int64)
    probs_t = torch.softmax(randn(g, 4, 5), dim=1)
    weight = uniform(g, 0.5, 2.0, 5)

    def ce(r, **kw):
        return lambda x, t: F.cross_entropy(x, t, reduction=r, **kw)

    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_indices_" + r, "crossEntropy", {"reduction": r},
                               ce(r), logits, idx))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_probs_" + r, "crossEntropy", {"reduction": r},
                               ce(r), logits, probs_t))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_labelSmoothing_" + r, "crossEntropy",
                               {"reduction": r, "labelSmoothing": 0.1},
                               ce(r, label_smoothing=0.1), logits, idx))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_probs_labelSmoothing_" + r, "crossEntropy",
                               {"reduction": r, "labelSmoothing": 0.1},
                               ce(r, label_smoothing=0.1), logits, probs_t))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_ignoreIndex_" + r, "crossEntropy",
                               {"reduction": r, "ignoreIndex": -100},
                               ce(r, ignore_index=-100), logits, idx_ign))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_ignoreIndex_labelSmoothing_" + r, "crossEntropy",
                               {"reduction": r, "ignoreIndex": -100, "labelSmoothing": 0.1},
                               ce(r, ignore_index=-100, label_smoothing=0.1), logits, idx_ign))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_weight_" + r, "crossEntropy",
                               {"reduction": r, "weight": T(weight)},
                               ce(r, weight=weight), logits, idx))
    # 3-D input (N, C, d) = (2, 5, 3), targets (N, d)
    logits3 = randn(g, 2, 5, 3, scale=2.0)
    idx3 = torch.tensor([[0, 3, 4], [2, 2, 1]], dtype=torch.int64)
    idx3_ign = torch.tensor([[0, 3, -100], [2, 2, 1]], dtype=torch.int64)
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_3d_" + r, "crossEntropy", {"reduction": r},
                               ce(r), logits3, idx3))
    for r in REDUCTIONS:
        cases.append(loss_case("crossEntropy_3d_ignoreIndex_" + r, "crossEntropy",
                               {"reduction": r, "ignoreIndex": -100},
                               ce(r, ignore_index=-100), logits3, idx3_ign))

    # --- nllLoss on log-probabilities
    logp = torch.log_softmax(logits, dim=1)

    def nll(r, **kw):
        return lambda x, t: F.nll_loss(x, t, reduction=r, **kw)

    for r in REDUCTIONS:
        cases.append(loss_case("nllLoss_" + r, "nllLoss", {"reduction": r}, nll(r), logp, idx))
    for r in REDUCTIONS:
        cases.append(loss_case("nllLoss_ignoreIndex_" + r, "nllLoss",
                               {"reduction": r, "ignoreIndex": -100},
                               nll(r, ignore_index=-100), logp, idx_ign))
    for r in REDUCTIONS:
        cases.append(loss_case("nllLoss_weight_" + r, "nllLoss",
                               {"reduction": r, "weight": T(weight)},
                               nll(r, weight=weight), logp, idx))
    for r in REDUCTIONS:
        cases.append(loss_case("nllLoss_weight_ignoreIndex_" + r, "nllLoss",
                               {"reduction": r, "weight": T(weight), "ignoreIndex": -100},
                               nll(r, weight=weight, ignore_index=-100), logp, idx_ign))

    # --- binary cross-entropy, (3,4)
    p_in = uniform(g, 0.05, 0.95, 3, 4)
    hard_t = (torch.rand(3, 4, generator=g, dtype=F64) > 0.5).to(F64)
    soft_t = uniform(g, 0.0, 1.0, 3, 4)
    for tname, tgt in (("hard", hard_t), ("soft", soft_t)):
        for r in REDUCTIONS:
            cases.append(loss_case("binaryCrossEntropy_%s_%s" % (tname, r), "binaryCrossEntropy",
                                   {"reduction": r},
                                   lambda x, t: F.binary_cross_entropy(x, t, reduction=r),
                                   p_in, tgt))
    z_in = randn(g, 3, 4, scale=2.0)
    pos_weight = uniform(g, 0.5, 3.0, 4)
    for tname, tgt in (("hard", hard_t), ("soft", soft_t)):
        for r in REDUCTIONS:
            cases.append(loss_case("binaryCrossEntropyWithLogits_%s_%s" % (tname, r),
                                   "binaryCrossEntropyWithLogits", {"reduction": r},
                                   lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=r),
                                   z_in, tgt))
    for r in REDUCTIONS:
        cases.append(loss_case("binaryCrossEntropyWithLogits_posWeight_" + r,
                               "binaryCrossEntropyWithLogits",
                               {"reduction": r, "posWeight": T(pos_weight)},
                               lambda x, t: F.binary_cross_entropy_with_logits(
                                   x, t, reduction=r, pos_weight=pos_weight),
                               z_in, soft_t))

    write("losses.json", cases)


# ---------------------------------------------------------------------------
# activations.json


def activation_input(g):
    """(3,4) in [-3,3], kept away from 0 and +-1 (kinks of relu / hardtanh)."""
    x = uniform(g, -3.0, 3.0, 3, 4)
    bad = (x.abs() < 0.1) | ((x.abs() - 1.0).abs() < 0.1)
    while bad.any():
        x = torch.where(bad, uniform(g, -3.0, 3.0, 3, 4), x)
        bad = (x.abs() < 0.1) | ((x.abs() - 1.0).abs() < 0.1)
    return x


def gen_activations():
    g = gen(2002)
    x0 = activation_input(g)
    w_up = randn(g, 3, 4)
    specs = [
        ("relu", "relu", {}, F.relu),
        ("leakyRelu_0.01", "leakyRelu", {"negativeSlope": 0.01}, lambda x: F.leaky_relu(x, 0.01)),
        ("leakyRelu_0.2", "leakyRelu", {"negativeSlope": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
        ("elu_1.0", "elu", {"alpha": 1.0}, lambda x: F.elu(x, alpha=1.0)),
        ("elu_0.5", "elu", {"alpha": 0.5}, lambda x: F.elu(x, alpha=0.5)),
        ("gelu_exact", "gelu", {"approximate": "none"}, lambda x: F.gelu(x, approximate="none")),
        ("gelu_tanh", "gelu", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh")),
        ("silu", "silu", {}, F.silu),
        ("sigmoid", "sigmoid", {}, torch.sigmoid),
        ("tanh", "tanh", {}, torch.tanh),
        ("softmax_dim-1", "softmax", {"dim": -1}, lambda x: torch.softmax(x, dim=-1)),
        ("softmax_dim0", "softmax", {"dim": 0}, lambda x: torch.softmax(x, dim=0)),
        ("logSoftmax_dim-1", "logSoftmax", {"dim": -1}, lambda x: torch.log_softmax(x, dim=-1)),
        ("logSoftmax_dim0", "logSoftmax", {"dim": 0}, lambda x: torch.log_softmax(x, dim=0)),
        ("softplus", "softplus", {"beta": 1.0, "threshold": 20.0},
         lambda x: F.softplus(x, beta=1.0, threshold=20.0)),
        ("softplus_beta2", "softplus", {"beta": 2.0, "threshold": 20.0},
         lambda x: F.softplus(x, beta=2.0, threshold=20.0)),
        ("hardtanh", "hardtanh", {"minVal": -1.0, "maxVal": 1.0},
         lambda x: F.hardtanh(x, min_val=-1.0, max_val=1.0)),
    ]
    cases = []
    for name, fn, opts, f in specs:
        x = x0.clone().requires_grad_(True)
        out = f(x)
        (out * w_up).sum().backward()
        cases.append({
            "name": name,
            "fn": fn,
            "options": opts,
            "input": T(x0),
            "output": T(out),
            "grad_weight_upstream": T(w_up),
            "grad_input": T(x.grad),
        })
    write("activations.json", cases)


# ---------------------------------------------------------------------------
# reductions.json


def gen_reductions():
    g = gen(3003)
    x0 = randn(g, 3, 4, scale=2.0)
    cases = []

    def add(name, fn, opts, f):
        x = x0.clone().requires_grad_(True)
        out = f(x)
        out.sum().backward()
        cases.append({"name": name, "fn": fn, "options": opts, "input": T(x0),
                      "output": T(out), "grad_input": T(x.grad)})

    for fn, tf in (("var", torch.var), ("std", torch.std)):
        for dims in ([1], [0, 1]):
            for corr in (1, 0):
                for keep in (False, True):
                    name = "%s_dims%s_corr%d_%s" % (fn, "".join(map(str, dims)), corr,
                                                    "keep" if keep else "nokeep")
                    add(name, fn, {"dims": dims, "keepDims": keep, "correction": corr},
                        lambda x, tf=tf, dims=dims, corr=corr, keep=keep:
                        tf(x, dim=dims, unbiased=(corr == 1), keepdim=keep))
    for dims in ([1], [0], [0, 1]):
        for keep in (False, True):
            name = "logsumexp_dims%s_%s" % ("".join(map(str, dims)), "keep" if keep else "nokeep")
            add(name, "logsumexp", {"dims": dims, "keepDims": keep},
                lambda x, dims=dims, keep=keep: torch.logsumexp(x, dim=dims, keepdim=keep))
    for dims in ([1], [0], [0, 1]):
        for keep in (False, True):
            name = "mean_dims%s_%s" % ("".join(map(str, dims)), "keep" if keep else "nokeep")
            add(name, "mean", {"dims": dims, "keepDims": keep},
                lambda x, dims=dims, keep=keep: torch.mean(x, dim=dims, keepdim=keep))
    write("reductions.json", cases)


# ---------------------------------------------------------------------------
# linear.json


def gen_linear():
    g = gen(4004)
    cases = []
    weight = randn(g, 3, 5, scale=0.5)
    bias = randn(g, 3, scale=0.5)

    def add(name, x0, use_bias):
        x = x0.clone().requires_grad_(True)
        w = weight.clone().requires_grad_(True)
        b = bias.clone().requires_grad_(True) if use_bias else None
        out = F.linear(x, w, b)
        gout = randn(g, *out.shape)
        (out * gout).sum().backward()
        cases.append({
            "name": name,
            "inFeatures": 5,
            "outFeatures": 3,
            "input": T(x0),
            "weight": T(weight),
            "bias": T(bias) if use_bias else None,
            "output": T(out),
            "grad_output": T(gout),
            "grad_input": T(x.grad),
            "grad_weight": T(w.grad),
            "grad_bias": T(b.grad) if use_bias else None,
        })

    add("linear_2d", randn(g, 4, 5), True)
    add("linear_2d_nobias", randn(g, 4, 5), False)
    add("linear_3d", randn(g, 2, 4, 5), True)
    write("linear.json", cases)


# ---------------------------------------------------------------------------
# optimizers.json


def opt_problem():
    g = gen(5005)
    return {
        "w0": randn(g, 3, 4, scale=0.5),
        "b0": randn(g, 4, scale=0.1),
        "x": randn(g, 5, 3),
        "y": uniform(g, -0.9, 0.9, 5, 4),
    }


def gen_optimizers():
    prob = opt_problem()
    sgd = lambda lr, momentum=0.0, dampening=0.0, wd=0.0, nesterov=False: (
        "SGD",
        {"lr": lr, "momentum": momentum, "dampening": dampening, "weightDecay": wd, "nesterov": nesterov},
        lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum, dampening=dampening,
                                   weight_decay=wd, nesterov=nesterov))

    def adam(kind, lr, betas=(0.9, 0.999), eps=1e-8, wd=0.0, amsgrad=False):
        cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
        return (kind,
                {"lr": lr, "betas": list(betas), "eps": eps, "weightDecay": wd, "amsgrad": amsgrad},
                lambda ps: cls(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd, amsgrad=amsgrad))

    def rmsprop(lr, alpha=0.99, eps=1e-8, wd=0.0, momentum=0.0, centered=False):
        return ("RMSprop",
                {"lr": lr, "alpha": alpha, "eps": eps, "weightDecay": wd, "momentum": momentum,
                 "centered": centered},
                lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=alpha, eps=eps, weight_decay=wd,
                                               momentum=momentum, centered=centered))

    def adagrad(lr, lr_decay=0.0, wd=0.0, init_acc=0.0, eps=1e-10):
        return ("Adagrad",
                {"lr": lr, "lrDecay": lr_decay, "weightDecay": wd, "initialAccumulatorValue": init_acc,
                 "eps": eps},
                lambda ps: torch.optim.Adagrad(ps, lr=lr, lr_decay=lr_decay, weight_decay=wd,
                                               initial_accumulator_value=init_acc, eps=eps))

    configs = [
        ("sgd", sgd(0.1)),
        ("sgd_momentum", sgd(0.1, momentum=0.9)),
        ("sgd_nesterov", sgd(0.1, momentum=0.9, nesterov=True)),
        ("sgd_momentum_dampening_wd", sgd(0.1, momentum=0.9, dampening=0.1, wd=0.01)),
        ("adam", adam("Adam", 0.01)),
        ("adam_betas_wd", adam("Adam", 0.01, betas=(0.8, 0.9), wd=0.1)),
        ("adam_amsgrad", adam("Adam", 0.01, amsgrad=True)),
        ("adamw_wd", adam("AdamW", 0.01, wd=0.1)),
        ("rmsprop", rmsprop(0.01)),
        ("rmsprop_centered_momentum_wd", rmsprop(0.01, alpha=0.9, momentum=0.5, centered=True, wd=0.01)),
        ("adagrad", adagrad(0.1)),
        ("adagrad_decay_wd_init", adagrad(0.1, lr_decay=0.01, wd=0.01, init_acc=0.1)),
    ]
    cases = []
    for name, (kind, opts, make) in configs:
        w = prob["w0"].clone().requires_grad_(True)
        b = prob["b0"].clone().requires_grad_(True)
        opt = make([w, b])
        losses = []
        history = []
        for _ in range(10):
            opt.zero_grad()
            loss = ((prob["x"] @ w + b).tanh() - prob["y"]).pow(2).mean()
            loss.backward()
            losses.append(float(loss.item()))
            opt.step()
            history.append({"w": T(w), "b": T(b)})
        cases.append({
            "name": name,
            "optimizer": kind,
            "options": opts,
            "steps": 10,
            "w0": T(prob["w0"]),
            "b0": T(prob["b0"]),
            "x": T(prob["x"]),
            "y": T(prob["y"]),
            "losses": losses,
            "final_w": T(w),
            "final_b": T(b),
            "history": history,
        })
    write("optimizers.json", cases,
          extra={"loss": "mean((tanh(x @ w + b) - y)^2); each step: zero_grad, backward, step"})


# ---------------------------------------------------------------------------
# schedulers.json


def gen_schedulers():
    S = torch.optim.lr_scheduler
    epochs = 12
    # 0.78995 is below the best (0.79) but not by the relative threshold, so it
    # must count as a bad epoch.
    metrics = [1.0, 0.9, 0.8, 0.85, 0.82, 0.81, 0.79, 0.78995, 0.8, 0.8, 0.78, 0.78]
    specs = [
        ("StepLR", {"stepSize": 3, "gamma": 0.5}, lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
        ("ExponentialLR", {"gamma": 0.9}, lambda o: S.ExponentialLR(o, gamma=0.9)),
        ("CosineAnnealingLR", {"tMax": 10, "etaMin": 0.001},
         lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
        ("LinearLR", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 4},
         lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4)),
        ("ReduceLROnPlateau",
         {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 1e-4, "thresholdMode": "rel",
          "cooldown": 0, "minLr": 0.0, "eps": 1e-8},
         lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-4,
                                       threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8)),
    ]
    cases = []
    for name, opts, make in specs:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = []
        for e in range(epochs):
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            if name == "ReduceLROnPlateau":
                sched.step(metrics[e])
            else:
                sched.step()
        case = {"scheduler": name, "options": opts, "initialLr": 0.1, "epochs": epochs, "lrs": lrs}
        if name == "ReduceLROnPlateau":
            case["metrics"] = metrics
        cases.append(case)
    write("schedulers.json", cases)


# ---------------------------------------------------------------------------
# clip.json


def gen_clip():
    g = gen(6006)
    g1 = randn(g, 3, 4)
    g2 = randn(g, 5, scale=0.5)
    cases = []

    def params():
        ps = []
        for gr in (g1, g2):
            p = torch.zeros_like(gr, requires_grad=True)
            p.grad = gr.clone()
            ps.append(p)
        return ps

    for name, max_norm, norm_type in (("clipGradNorm_l2", 1.0, 2.0),
                                      ("clipGradNorm_inf", 1.0, math.inf),
                                      ("clipGradNorm_l1", 1.0, 1.0),
                                      ("clipGradNorm_l2_noclip", 100.0, 2.0)):
        ps = params()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm=max_norm, norm_type=norm_type)
        cases.append({
            "name": name,
            "fn": "clipGradNorm",
            "options": {"maxNorm": max_norm, "normType": "inf" if math.isinf(norm_type) else norm_type},
            "grads_before": [T(g1), T(g2)],
            "grads_after": [T(p.grad) for p in ps],
            "total_norm": float(total.item()),
        })
    ps = params()
    torch.nn.utils.clip_grad_value_(ps, clip_value=0.1)
    cases.append({
        "name": "clipGradValue_0.1",
        "fn": "clipGradValue",
        "options": {"clipValue": 0.1},
        "grads_before": [T(g1), T(g2)],
        "grads_after": [T(p.grad) for p in ps],
        "total_norm": None,
    })
    write("clip.json", cases)


# ---------------------------------------------------------------------------
# tostring.json


def gen_tostring():
    g = gen(7007)
    f32 = torch.float32
    # str() only omits the dtype suffix for the default dtype, so print with
    # PyTorch's stock default (float32) in effect.
    torch.set_default_dtype(f32)
    items = [
        ("float_2x3", torch.randn(2, 3, generator=g, dtype=f32)),
        ("float_integer_valued_2x3", torch.tensor([[1.0, -2.0, 3.0], [4.0, 0.0, -6.0]], dtype=f32)),
        ("float_sci_large_range", torch.tensor([1.5e-3, 2.0, 3.25e6, -4.0], dtype=f32)),
        ("float_sci_small", torch.tensor([1.0e-5, 2.5e-6, -3.0e-7], dtype=f32)),
        ("float_0d", torch.tensor(3.14159, dtype=f32)),
        ("float_1d_3", torch.tensor([0.5, -1.25, 2.0625], dtype=f32)),
        ("float_3d_2x2x2", torch.randn(2, 2, 2, generator=g, dtype=f32)),
        ("int32_2x3", torch.tensor([[1, -20, 300], [4, 5, -6]], dtype=torch.int32)),
        ("bool_2x2", torch.tensor([[True, False], [False, True]])),
        ("float_1d_2000", torch.arange(2000, dtype=f32) * 0.5),
        ("float_2d_30x40", torch.randn(30, 40, generator=g, dtype=f32)),
    ]
    cases = []
    for name, t in items:
        if t.dtype == torch.bool:
            dtype, data = "bool", [1 if v else 0 for v in t.reshape(-1).tolist()]
        elif t.dtype == torch.int32:
            dtype, data = "int32", [int(v) for v in t.reshape(-1).tolist()]
        else:
            dtype, data = "float32", [float(v) for v in t.reshape(-1).tolist()]
        cases.append({"name": name, "shape": list(t.shape), "dtype": dtype, "data": data, "str": str(t)})
    torch.set_default_dtype(F64)
    write("tostring.json", cases)


def main():
    torch.manual_seed(0)
    gen_losses()
    gen_activations()
    gen_reductions()
    gen_linear()
    gen_optimizers()
    gen_schedulers()
    gen_clip()
    gen_tostring()


if __name__ == "__main__":
    main()
