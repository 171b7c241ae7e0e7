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

import copy
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



# ---------------------------------------------------------------------------
# conv.json, pool.json, norm.json (convolution, pooling, normalization layers)
#
# Every case records the gradients of (output * W).sum() for a random W of the
# output's shape (`grad_output`), with respect to the input and the parameters.


def upstream_case(g, out):
    return randn(g, *out.shape)


def conv_case(g, name, op, options, x, w, b):
    xi = x.clone().requires_grad_(True)
    wi = w.clone().requires_grad_(True)
    bi = b.clone().requires_grad_(True) if b is not None else None
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}
    if "outputPadding" in kw:
        kw["output_padding"] = kw.pop("outputPadding")
    fn = {"conv1d": F.conv1d, "conv2d": F.conv2d,
          "convTranspose1d": F.conv_transpose1d, "convTranspose2d": F.conv_transpose2d}[op]
    out = fn(xi, wi, bi, **kw)
    up = upstream_case(g, out)
    (out * up).sum().backward()
    return {
        "name": name, "op": op, "options": options,
        "input": T(x), "weight": T(w), "bias": T(b) if b is not None else None,
        "output": T(out), "grad_output": T(up),
        "grad_input": T(xi.grad), "grad_weight": T(wi.grad),
        "grad_bias": T(bi.grad) if bi is not None else None,
    }


def gen_conv():
    g = gen(8008)
    cases = []
    # conv2d: a grid of stride x padding x dilation x groups, bias on odd cases
    x2 = randn(g, 2, 4, 7, 6)
    i = 0
    for stride in (1, 2):
        for padding in (0, 1, "same"):
            if padding == "same" and stride != 1:
                continue
            for dilation in (1, 2):
                for groups in (1, 2):
                    w = randn(g, 6, 4 // groups, 3, 3, scale=0.3)
                    b = randn(g, 6) if i % 2 == 0 else None
                    opts = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
                    cases.append(conv_case(g, "conv2d_s%d_p%s_d%d_g%d%s" % (
                        stride, padding, dilation, groups, "" if b is not None else "_nobias"),
                        "conv2d", opts, x2, w, b))
                    i += 1
    cases.append(conv_case(g, "conv2d_depthwise_x2", "conv2d", {"stride": 1, "padding": 1, "groups": 4},
                           x2, randn(g, 8, 1, 3, 3, scale=0.3), randn(g, 8)))
    cases.append(conv_case(g, "conv2d_kernel2x3_stride2x1_pad1x0", "conv2d",
                           {"stride": [2, 1], "padding": [1, 0], "dilation": [1, 2]},
                           x2, randn(g, 5, 4, 2, 3, scale=0.3), randn(g, 5)))
    cases.append(conv_case(g, "conv2d_same_even_kernel", "conv2d", {"padding": "same"},
                           x2, randn(g, 3, 4, 4, 4, scale=0.3), None))
    cases.append(conv_case(g, "conv2d_valid_1x1", "conv2d", {"padding": "valid"},
                           x2, randn(g, 5, 4, 1, 1, scale=0.3), randn(g, 5)))
    cases.append(conv_case(g, "conv2d_lenet_like", "conv2d", {"padding": 2},
                           randn(g, 2, 1, 12, 12), randn(g, 4, 1, 5, 5, scale=0.2), randn(g, 4)))
    # conv1d grid
    x1 = randn(g, 2, 4, 9)
    for stride in (1, 2):
        for padding in (0, 1, "same"):
            if padding == "same" and stride != 1:
                continue
            for dilation in (1, 2):
                for groups in (1, 2):
                    w = randn(g, 6, 4 // groups, 3, scale=0.3)
                    b = randn(g, 6) if (stride + dilation + groups) % 2 == 0 else None
                    opts = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
                    cases.append(conv_case(g, "conv1d_s%d_p%s_d%d_g%d%s" % (
                        stride, padding, dilation, groups, "" if b is not None else "_nobias"),
                        "conv1d", opts, x1, w, b))
    cases.append(conv_case(g, "conv1d_depthwise_same_even", "conv1d", {"padding": "same", "groups": 4},
                           x1, randn(g, 4, 1, 4, scale=0.3), randn(g, 4)))
    # transposed convolutions
    xt = randn(g, 2, 4, 4, 5)
    cases.append(conv_case(g, "convTranspose2d_s2_p1_op1", "convTranspose2d",
                           {"stride": 2, "padding": 1, "outputPadding": 1},
                           xt, randn(g, 4, 3, 3, 3, scale=0.3), randn(g, 3)))
    cases.append(conv_case(g, "convTranspose2d_s1_p0_nobias", "convTranspose2d", {},
                           xt, randn(g, 4, 3, 3, 3, scale=0.3), None))
    cases.append(conv_case(g, "convTranspose2d_s2_k4_p1_g2", "convTranspose2d",
                           {"stride": 2, "padding": 1, "groups": 2},
                           xt, randn(g, 4, 3, 4, 4, scale=0.3), randn(g, 6)))
    cases.append(conv_case(g, "convTranspose2d_s2x3_d2_op1x2", "convTranspose2d",
                           {"stride": [2, 3], "padding": [0, 1], "dilation": 2, "outputPadding": [1, 2]},
                           xt, randn(g, 4, 2, 3, 2, scale=0.3), randn(g, 2)))
    cases.append(conv_case(g, "convTranspose1d_s2_p1_op1", "convTranspose1d",
                           {"stride": 2, "padding": 1, "outputPadding": 1},
                           x1, randn(g, 4, 3, 3, scale=0.3), randn(g, 3)))
    write("conv.json", cases)


def pool_case(g, name, op, options, x, fn):
    xi = x.clone().requires_grad_(True)
    out = fn(xi)
    up = upstream_case(g, out)
    (out * up).sum().backward()
    return {"name": name, "op": op, "options": options, "input": T(x), "output": T(out),
            "grad_output": T(up), "grad_input": T(xi.grad)}


def gen_pool():
    g = gen(9009)
    cases = []
    x2 = randn(g, 2, 3, 7, 6)
    x1 = randn(g, 2, 3, 9)

    def mp2(name, k, **kw):
        opts = {"kernelSize": k}
        opts.update({{"ceil_mode": "ceilMode"}.get(a, a): v for a, v in kw.items()})
        cases.append(pool_case(g, name, "maxPool2d", opts, x2, lambda t: F.max_pool2d(
            t, tuple(k) if isinstance(k, list) else k,
            **{a: tuple(v) if isinstance(v, list) else v for a, v in kw.items()})))

    mp2("maxPool2d_k2", 2)
    mp2("maxPool2d_k3_s2_p1", 3, stride=2, padding=1)
    mp2("maxPool2d_k3_s2_ceil", 3, stride=2, ceil_mode=True)
    mp2("maxPool2d_k2_s1_d2", 2, stride=1, dilation=2)
    mp2("maxPool2d_k2x3_s1x2_p1_ceil", [2, 3], stride=[1, 2], padding=1, ceil_mode=True)

    def ap2(name, k, **kw):
        names = {"ceil_mode": "ceilMode", "count_include_pad": "countIncludePad",
                 "divisor_override": "divisorOverride"}
        opts = {"kernelSize": k}
        opts.update({names.get(a, a): v for a, v in kw.items()})
        cases.append(pool_case(g, name, "avgPool2d", opts, x2, lambda t: F.avg_pool2d(
            t, tuple(k) if isinstance(k, list) else k,
            **{a: tuple(v) if isinstance(v, list) else v for a, v in kw.items()})))

    ap2("avgPool2d_k2", 2)
    ap2("avgPool2d_k3_s2_p1", 3, stride=2, padding=1)
    ap2("avgPool2d_k3_s2_p1_excludePad", 3, stride=2, padding=1, count_include_pad=False)
    ap2("avgPool2d_k3_s2_p1_ceil", 3, stride=2, padding=1, ceil_mode=True)
    ap2("avgPool2d_k3_s2_p1_ceil_excludePad", 3, stride=2, padding=1, ceil_mode=True,
        count_include_pad=False)
    ap2("avgPool2d_k2x3_s1_divisor5", [2, 3], stride=1, divisor_override=5)

    def p1(name, op, fn, k, **kw):
        names = {"ceil_mode": "ceilMode", "count_include_pad": "countIncludePad"}
        opts = {"kernelSize": k}
        opts.update({names.get(a, a): v for a, v in kw.items()})
        cases.append(pool_case(g, name, op, opts, x1, lambda t: fn(t, k, **kw)))

    p1("maxPool1d_k2", "maxPool1d", F.max_pool1d, 2)
    p1("maxPool1d_k3_s2_p1_ceil", "maxPool1d", F.max_pool1d, 3, stride=2, padding=1, ceil_mode=True)
    p1("avgPool1d_k3_s2_p1_ceil_excludePad", "avgPool1d", F.avg_pool1d, 3, stride=2, padding=1,
       ceil_mode=True, count_include_pad=False)
    p1("avgPool1d_k4_s3", "avgPool1d", F.avg_pool1d, 4, stride=3)

    for size in ([3, 4], [2, 2], [1, 1], [None, 4], [7, 6]):
        cases.append(pool_case(g, "adaptiveAvgPool2d_%s" % "x".join(str(s) for s in size),
                               "adaptiveAvgPool2d", {"outputSize": size}, x2,
                               lambda t: F.adaptive_avg_pool2d(t, tuple(size))))
    cases.append(pool_case(g, "adaptiveAvgPool1d_4", "adaptiveAvgPool1d", {"outputSize": 4}, x1,
                           lambda t: F.adaptive_avg_pool1d(t, 4)))

    xs = randn(g, 2, 3, 4, 5)
    for name, opts, kw in (("upsample_scale2", {"scaleFactor": 2}, {"scale_factor": 2}),
                           ("upsample_scale2x3", {"scaleFactor": [2, 3]}, {"scale_factor": (2, 3)}),
                           ("upsample_size7x11", {"size": [7, 11]}, {"size": (7, 11)}),
                           ("upsample_scale1.5", {"scaleFactor": 1.5}, {"scale_factor": 1.5})):
        cases.append(pool_case(g, name, "interpolate", opts, xs,
                               lambda t: F.interpolate(t, mode="nearest", **kw)))
    cases.append(pool_case(g, "upsample1d_scale3", "interpolate", {"scaleFactor": 3}, x1,
                           lambda t: F.interpolate(t, mode="nearest", scale_factor=3)))
    write("pool.json", cases)


def gen_norm():
    g = gen(1010)
    cases = []

    def bn_case(name, cls, shape, momentum=0.1, affine=True, eps=1e-5):
        c = shape[1]
        layer = cls(c, momentum=momentum, affine=affine, eps=eps)
        if affine:
            with torch.no_grad():
                layer.weight.copy_(uniform(g, 0.5, 1.5, c))
                layer.bias.copy_(randn(g, c, scale=0.5))
        layer.train()
        xs = [randn(g, *shape, scale=2.0) + 0.5 for _ in range(3)]
        steps = []
        first = None
        for k, x in enumerate(xs):
            xi = x.clone().requires_grad_(True)
            out = layer(xi)
            if k == 0:
                up = upstream_case(g, out)
                layer.zero_grad()
                (out * up).sum().backward()
                first = {"output": T(out), "grad_output": T(up), "grad_input": T(xi.grad),
                         "grad_weight": T(layer.weight.grad) if affine else None,
                         "grad_bias": T(layer.bias.grad) if affine else None}
            steps.append({"input": T(x), "runningMean": T(layer.running_mean),
                          "runningVar": T(layer.running_var),
                          "numBatchesTracked": int(layer.num_batches_tracked.item())})
        layer.eval()
        xe = randn(g, *shape, scale=2.0) + 0.5
        xei = xe.clone().requires_grad_(True)
        oute = layer(xei)
        upe = upstream_case(g, oute)
        (oute * upe).sum().backward()
        cases.append({
            "name": name, "op": "batchNorm",
            "options": {"numFeatures": c, "momentum": momentum, "affine": affine, "eps": eps},
            "weight": T(layer.weight) if affine else None, "bias": T(layer.bias) if affine else None,
            "train": first, "steps": steps,
            "eval": {"input": T(xe), "output": T(oute), "grad_output": T(upe), "grad_input": T(xei.grad)},
        })

    bn_case("batchNorm1d_NC", torch.nn.BatchNorm1d, (6, 4))
    bn_case("batchNorm1d_NCL", torch.nn.BatchNorm1d, (4, 3, 5))
    bn_case("batchNorm2d", torch.nn.BatchNorm2d, (3, 4, 5, 5))
    bn_case("batchNorm2d_noaffine_momentum0.3", torch.nn.BatchNorm2d, (2, 3, 4, 3), momentum=0.3,
            affine=False)
    bn_case("batchNorm2d_cumulative_eps1e-3", torch.nn.BatchNorm2d, (2, 3, 4, 3), momentum=None, eps=1e-3)

    def norm_case(name, op, options, x, fn, weight, bias):
        xi = x.clone().requires_grad_(True)
        wi = weight.clone().requires_grad_(True) if weight is not None else None
        bi = bias.clone().requires_grad_(True) if bias is not None else None
        out = fn(xi, wi, bi)
        up = upstream_case(g, out)
        (out * up).sum().backward()
        cases.append({"name": name, "op": op, "options": options, "input": T(x),
                      "weight": T(weight) if weight is not None else None,
                      "bias": T(bias) if bias is not None else None,
                      "output": T(out), "grad_output": T(up), "grad_input": T(xi.grad),
                      "grad_weight": T(wi.grad) if wi is not None else None,
                      "grad_bias": T(bi.grad) if bi is not None else None})

    xl = randn(g, 2, 3, 8, scale=2.0) + 0.3
    norm_case("layerNorm_last", "layerNorm", {"normalizedShape": [8], "eps": 1e-5}, xl,
              lambda x, w, b: F.layer_norm(x, (8,), w, b, 1e-5),
              uniform(g, 0.5, 1.5, 8), randn(g, 8, scale=0.5))
    norm_case("layerNorm_last2", "layerNorm", {"normalizedShape": [3, 8], "eps": 1e-5}, xl,
              lambda x, w, b: F.layer_norm(x, (3, 8), w, b, 1e-5),
              uniform(g, 0.5, 1.5, 3, 8), randn(g, 3, 8, scale=0.5))
    norm_case("layerNorm_noaffine_eps1e-3", "layerNorm", {"normalizedShape": [8], "eps": 1e-3}, xl,
              lambda x, w, b: F.layer_norm(x, (8,), None, None, 1e-3), None, None)
    xg = randn(g, 2, 6, 4, 3, scale=2.0) + 0.3
    for groups in (3, 1, 6):
        norm_case("groupNorm_g%d" % groups, "groupNorm", {"numGroups": groups, "eps": 1e-5}, xg,
                  lambda x, w, b: F.group_norm(x, groups, w, b, 1e-5),
                  uniform(g, 0.5, 1.5, 6), randn(g, 6, scale=0.5))
    norm_case("groupNorm_g2_noaffine_NCL", "groupNorm", {"numGroups": 2, "eps": 1e-5},
              randn(g, 3, 4, 5), lambda x, w, b: F.group_norm(x, 2, None, None, 1e-5), None, None)
    write("norm.json", cases)


# ---------------------------------------------------------------------------
# rnn.json (RNN, LSTM, GRU layers and cells)
#
# Each case records the parameters (PyTorch's names), the outputs, the final
# states, and the gradients of (output * W).sum() + (h_n * V).sum()
# (+ (c_n * Vc).sum() for LSTM) with respect to the input, the initial states
# and every parameter. Variable lengths go through pack_padded_sequence.

RNN_MODULES = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnnTanh": torch.nn.RNN, "rnnRelu": torch.nn.RNN}
RNN_CELLS = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnnTanh": torch.nn.RNNCell,
             "rnnRelu": torch.nn.RNNCell}


def rnn_layer_case(g, name, mode, T_, N, inp, hid, layers=1, bidir=False, batch_first=False, bias=True,
                   initial=False, lengths=None, unbatched=False):
    kw = {"num_layers": layers, "bidirectional": bidir, "batch_first": batch_first, "bias": bias}
    if mode.startswith("rnn"):
        kw["nonlinearity"] = "tanh" if mode == "rnnTanh" else "relu"
    torch.manual_seed(g.initial_seed())
    m = RNN_MODULES[mode](inp, hid, **kw).double()
    D = 2 if bidir else 1
    if unbatched:
        x = randn(g, T_, inp)
        state_shape = (layers * D, hid)
    else:
        x = randn(g, N, T_, inp) if batch_first else randn(g, T_, N, inp)
        state_shape = (layers * D, N, hid)
    h0 = randn(g, *state_shape, scale=0.5) if initial else None
    c0 = randn(g, *state_shape, scale=0.5) if initial and mode == "lstm" else None
    xr = x.clone().requires_grad_(True)
    h0r = h0.clone().requires_grad_(True) if h0 is not None else None
    c0r = c0.clone().requires_grad_(True) if c0 is not None else None
    state = None
    if h0r is not None:
        state = (h0r, c0r) if mode == "lstm" else h0r
    if lengths is not None:
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            xr, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out_p, hn = m(packed, state)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, batch_first=batch_first, total_length=T_)
    else:
        out, hn = m(xr, state)
    h_n, c_n = hn if mode == "lstm" else (hn, None)
    W = randn(g, *out.shape)
    V = randn(g, *h_n.shape)
    loss = (out * W).sum() + (h_n * V).sum()
    Vc = None
    if c_n is not None:
        Vc = randn(g, *c_n.shape)
        loss = loss + (c_n * Vc).sum()
    loss.backward()
    case = {
        "name": name, "mode": mode, "kind": "layer",
        "inputSize": inp, "hiddenSize": hid, "numLayers": layers, "bidirectional": bidir,
        "batchFirst": batch_first, "bias": bias,
        "input": T(x), "h0": T(h0) if h0 is not None else None, "c0": T(c0) if c0 is not None else None,
        "lengths": lengths,
        "params": {k: T(v) for k, v in m.named_parameters()},
        "output": T(out), "h_n": T(h_n), "c_n": T(c_n) if c_n is not None else None,
        "W": T(W), "V": T(V), "Vc": T(Vc) if Vc is not None else None,
        "grad_input": T(xr.grad),
        "grad_h0": T(h0r.grad) if h0r is not None else None,
        "grad_c0": T(c0r.grad) if c0r is not None else None,
        "grad_params": {k: T(v.grad) for k, v in m.named_parameters()},
    }
    return case


def rnn_cell_case(g, name, mode, N, inp, hid, bias=True, initial=True):
    kw = {"bias": bias}
    if mode.startswith("rnn"):
        kw["nonlinearity"] = "tanh" if mode == "rnnTanh" else "relu"
    torch.manual_seed(g.initial_seed())
    m = RNN_CELLS[mode](inp, hid, **kw).double()
    x = randn(g, N, inp)
    h0 = randn(g, N, hid, scale=0.5) if initial else None
    c0 = randn(g, N, hid, scale=0.5) if initial and mode == "lstm" else None
    xr = x.clone().requires_grad_(True)
    h0r = h0.clone().requires_grad_(True) if h0 is not None else None
    c0r = c0.clone().requires_grad_(True) if c0 is not None else None
    if mode == "lstm":
        h1, c1 = m(xr, (h0r, c0r) if h0r is not None else None)
    else:
        h1, c1 = m(xr, h0r), None
    V = randn(g, *h1.shape)
    loss = (h1 * V).sum()
    Vc = None
    if c1 is not None:
        Vc = randn(g, *c1.shape)
        loss = loss + (c1 * Vc).sum()
    loss.backward()
    return {
        "name": name, "mode": mode, "kind": "cell", "inputSize": inp, "hiddenSize": hid, "bias": bias,
        "input": T(x), "h0": T(h0) if h0 is not None else None, "c0": T(c0) if c0 is not None else None,
        "params": {k: T(v) for k, v in m.named_parameters()},
        "h_n": T(h1), "c_n": T(c1) if c1 is not None else None,
        "V": T(V), "Vc": T(Vc) if Vc is not None else None,
        "grad_input": T(xr.grad),
        "grad_h0": T(h0r.grad) if h0r is not None else None,
        "grad_c0": T(c0r.grad) if c0r is not None else None,
        "grad_params": {k: T(v.grad) for k, v in m.named_parameters()},
    }


def gen_rnn():
    cases = []
    seed = [9000]

    def g():
        seed[0] += 1
        return gen(seed[0])

    T_, N, I, H = 5, 3, 3, 4
    unsorted = [5, 2, 4]
    for mode in ("lstm", "gru"):
        cases.append(rnn_layer_case(g(), mode + "_1layer", mode, T_, N, I, H))
        cases.append(rnn_layer_case(g(), mode + "_1layer_nobias_h0", mode, T_, N, I, H, bias=False, initial=True))
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir", mode, T_, N, I, H, layers=2, bidir=True))
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir_batchfirst_h0", mode, T_, N, I, H, layers=2,
                                    bidir=True, batch_first=True, initial=True))
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir_lengths", mode, T_, N, I, H, layers=2,
                                    bidir=True, lengths=unsorted))
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir_batchfirst_lengths_h0", mode, T_, N, I, H,
                                    layers=2, bidir=True, batch_first=True, initial=True, lengths=[3, 5, 1]))
        cases.append(rnn_layer_case(g(), mode + "_unbatched_h0", mode, T_, N, I, H, initial=True, unbatched=True))
    for mode in ("rnnTanh", "rnnRelu"):
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir_h0", mode, T_, N, I, H, layers=2, bidir=True,
                                    initial=True))
        cases.append(rnn_layer_case(g(), mode + "_2layer_bidir_batchfirst_lengths_h0", mode, T_, N, I, 6,
                                    layers=2, bidir=True, batch_first=True, initial=True, lengths=unsorted))
    for mode in ("lstm", "gru", "rnnTanh", "rnnRelu"):
        cases.append(rnn_cell_case(g(), mode + "Cell", mode, N, I, H))
        cases.append(rnn_cell_case(g(), mode + "Cell_nobias_zero_state", mode, N, I, H, bias=False, initial=False))
    cases.append(rnn_safetensors_case(g()))
    write("rnn.json", cases)


def write_safetensors(path, tensors):
    """A minimal safetensors writer (no dependency): 8-byte little-endian header size, JSON header,
    then the raw little-endian data of each tensor, as the safetensors package writes them. Floating
    tensors are stored as F32, integer ones (batch norm's num_batches_tracked) as I64, as
    safetensors.torch.save_file stores a PyTorch state dict."""
    import struct
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if t.dtype in (torch.int64, torch.int32):
            t = t.to(torch.int64)
            data, code = t.numpy().astype("<i8").tobytes(), "I64"
        else:
            t = t.to(torch.float32)
            data, code = t.numpy().astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def rnn_safetensors_case(g):
    """A PyTorch LSTM's state dict saved as rnn_lstm.safetensors, with its output on a fixed input."""
    torch.manual_seed(g.initial_seed())
    m = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    m = m.float()
    write_safetensors(os.path.join(OUT_DIR, "rnn_lstm.safetensors"), m.state_dict())
    x = randn(g, 2, 5, 3).float()
    with torch.no_grad():
        out, (h_n, c_n) = m(x)
    return {"name": "lstm_from_safetensors", "kind": "safetensors", "mode": "lstm", "file": "rnn_lstm.safetensors",
            "inputSize": 3, "hiddenSize": 4, "numLayers": 2, "bidirectional": True, "batchFirst": True,
            "input": T(x), "output": T(out), "h_n": T(h_n), "c_n": T(c_n)}


# ---------------------------------------------------------------------------
# state_dict.json (and conv_bn_linear.safetensors): PyTorch's state-dict names
#
# A conv + batch-norm + linear net's state dict, after two training batches (so the running
# statistics and the counter are not their initial values), saved in float32 (num_batches_tracked in
# int64) as a PyTorch user would save it; its outputs on a fixed input, computed in float64 from the
# saved float32 values: evaluation mode first (the saved running statistics), then one training-mode
# forward (batch statistics) with the running statistics after it. Plus the state-dict keys and
# shapes of one module of each kind Strata has, in PyTorch's order.


def state_dict_keys(name, module):
    return {"name": name, "kind": "keys",
            "keys": [[k, list(v.shape)] for k, v in module.state_dict().items()]}


def gen_state_dict():
    seed = 7100
    torch.manual_seed(seed)
    g = gen(seed)
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 3))
    with torch.no_grad():
        net[1].weight.copy_(uniform(g, 0.5, 1.5, 4))
        net[1].bias.copy_(randn(g, 4, scale=0.5))
        net.train()
        for _ in range(2):
            net(randn(g, 3, 1, 6, 6, scale=2.0) + 0.5)
    net = net.float()
    write_safetensors(os.path.join(OUT_DIR, "conv_bn_linear.safetensors"), net.state_dict())
    ref = copy.deepcopy(net).double()
    x = (randn(g, 2, 1, 6, 6, scale=2.0) + 0.5).float().double()
    with torch.no_grad():
        ref.eval()
        out_eval = ref(x)
        ref.train()
        out_train = ref(x)
    bn = ref[1]
    cases = [{
        "name": "conv_bn_linear", "kind": "net", "file": "conv_bn_linear.safetensors",
        "keys": list(net.state_dict().keys()),
        "input": T(x), "eval_output": T(out_eval), "train_output": T(out_train),
        "running_mean": T(bn.running_mean), "running_var": T(bn.running_var),
        "num_batches_tracked": int(bn.num_batches_tracked.item()),
    }]
    w = torch.ones(3)
    for name, m in (
        ("Linear(5, 3)", nn.Linear(5, 3)),
        ("Linear(5, 3, bias=False)", nn.Linear(5, 3, bias=False)),
        ("Conv1d(2, 4, 3)", nn.Conv1d(2, 4, 3)),
        ("Conv2d(2, 4, 3, bias=False)", nn.Conv2d(2, 4, 3, bias=False)),
        ("ConvTranspose1d(4, 2, 3)", nn.ConvTranspose1d(4, 2, 3)),
        ("ConvTranspose2d(4, 2, 3, groups=2)", nn.ConvTranspose2d(4, 2, 3, groups=2)),
        ("BatchNorm1d(3)", nn.BatchNorm1d(3)),
        ("BatchNorm2d(3, affine=False)", nn.BatchNorm2d(3, affine=False)),
        ("BatchNorm2d(3, track_running_stats=False)", nn.BatchNorm2d(3, track_running_stats=False)),
        ("LayerNorm([3, 8])", nn.LayerNorm([3, 8])),
        ("LayerNorm(8, elementwise_affine=False)", nn.LayerNorm(8, elementwise_affine=False)),
        ("GroupNorm(2, 4)", nn.GroupNorm(2, 4)),
        ("Embedding(10, 3)", nn.Embedding(10, 3)),
        ("LSTM(3, 4, num_layers=2, bidirectional=True)", nn.LSTM(3, 4, num_layers=2, bidirectional=True)),
        ("GRU(3, 4, bias=False)", nn.GRU(3, 4, bias=False)),
        ("RNN(3, 4)", nn.RNN(3, 4)),
        ("LSTMCell(3, 4)", nn.LSTMCell(3, 4)),
        ("GRUCell(3, 4)", nn.GRUCell(3, 4)),
        ("RNNCell(3, 4, bias=False)", nn.RNNCell(3, 4, bias=False)),
        ("CrossEntropyLoss(weight)", nn.CrossEntropyLoss(weight=w)),
        ("NLLLoss(weight)", nn.NLLLoss(weight=w)),
        ("BCELoss(weight)", nn.BCELoss(weight=w)),
        ("BCEWithLogitsLoss(weight, pos_weight)", nn.BCEWithLogitsLoss(weight=w, pos_weight=w)),
        ("Sequential(Linear, ReLU, Dropout, Linear)",
         nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))),
    ):
        cases.append(state_dict_keys(name, m))
    write("state_dict.json", cases)


GENERATORS = {
    "losses": lambda: gen_losses(),
    "activations": lambda: gen_activations(),
    "reductions": lambda: gen_reductions(),
    "linear": lambda: gen_linear(),
    "optimizers": lambda: gen_optimizers(),
    "schedulers": lambda: gen_schedulers(),
    "clip": lambda: gen_clip(),
    "tostring": lambda: gen_tostring(),
    "conv": gen_conv,
    "pool": gen_pool,
    "norm": gen_norm,
    "rnn": gen_rnn,
    "state_dict": gen_state_dict,
}


if __name__ == "__main__":
    import sys

    # `gen_fixtures.py conv pool` regenerates only those files; no arguments regenerates everything
    wanted = sys.argv[1:]
    unknown = [w for w in wanted if w not in GENERATORS]
    if unknown:
        raise SystemExit("unknown fixture group(s) %s; known: %s" % (unknown, ", ".join(GENERATORS)))
    if not wanted:
        main()
        for name in ("conv", "pool", "norm", "rnn", "state_dict"):
            GENERATORS[name]()
    else:
        torch.manual_seed(0)
        for name in wanted:
            GENERATORS[name]()
