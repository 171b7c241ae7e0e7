#!/usr/bin/env python3
"""PyTorch reference fixtures for Strata's attention and transformer layers.

Run with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 scripts/gen_fixtures_attention.py

Writes test/fixtures/attention.json: for every case the module's state dict, the inputs and masks,
the output (and attention weights), and the gradients of sum(output * grad_output)
(+ sum(weights * grad_weights)) with respect to the inputs and every parameter. Computed in float64,
seeded, dropout 0 in training mode (so PyTorch 1.13's inference fast path is never taken).
Scaled dot-product attention and RMSNorm are not in torch 1.13: they are written out below.
"""

import json
import math
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "attention.json")

torch.set_default_dtype(torch.float64)
torch.manual_seed(2026)


def T(t):
    t = t.detach()
    shape = list(t.shape)
    if t.dtype == torch.bool:
        return {"shape": shape, "dtype": "bool", "data": [int(v) for v in t.reshape(-1).tolist()]}
    data = [float(v) for v in t.reshape(-1).tolist()]
    for v in data:
        if not math.isfinite(v):
            raise ValueError("non-finite value in a fixture tensor")
    return {"shape": shape, "data": data}


def M(t):
    """A float mask may hold -inf: written as -1e9 would change the numbers, so write bool masks instead."""
    return None if t is None else T(t)


def run_case(name, kind, config, module, inputs, call, masks):
    """call(module, inputs) -> (output, weights or None)."""
    for t in inputs.values():
        t.requires_grad_(True)
    module.train()
    out, weights = call(module, inputs)
    g_out = torch.randn(out.shape)
    loss = (out * g_out).sum()
    g_w = None
    if weights is not None:
        g_w = torch.randn(weights.shape)
        loss = loss + (weights * g_w).sum()
    loss.backward()
    return {
        "name": name,
        "kind": kind,
        "config": config,
        "state": {k: T(v) for k, v in module.state_dict().items()},
        "inputs": {k: T(v) for k, v in inputs.items()},
        "masks": {k: M(v) for k, v in masks.items() if v is not None},
        "output": T(out),
        "weights": None if weights is None else T(weights),
        "grad_output": T(g_out),
        "grad_weights": None if g_w is None else T(g_w),
        "grads": {k: T(v.grad) for k, v in inputs.items()},
        "param_grads": {k: T(p.grad) for k, p in module.named_parameters()},
    }


def causal(L):
    """PyTorch's MultiheadAttention convention: True = masked (keys after the query)."""
    return torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)


def padding(N, S, lengths):
    return torch.arange(S)[None, :] >= torch.tensor(lengths)[:, None]


cases = []

# ---------------------------------------------------------------------------- MultiheadAttention


def mha_case(name, E, H, L, S, N, opts, masks, run_opts, batch_first=False, unbatched=False, cross=True):
    mha = nn.MultiheadAttention(E, H, batch_first=batch_first, **opts)
    with torch.no_grad():
        for p in mha.parameters():  # non-zero biases, so they are tested too
            p.copy_(torch.randn(p.shape) * 0.5)
    kdim, vdim = opts.get("kdim", E), opts.get("vdim", E)

    def shape(length, feat):
        if unbatched:
            return (length, feat)
        return (N, length, feat) if batch_first else (length, N, feat)

    if cross:
        inputs = {"query": torch.randn(shape(L, E)), "key": torch.randn(shape(S, kdim)), "value": torch.randn(shape(S, vdim))}

        def call(m, x):
            return m(x["query"], x["key"], x["value"], **masks, **run_opts)
    else:
        inputs = {"query": torch.randn(shape(L, E))}

        def call(m, x):
            return m(x["query"], x["query"], x["query"], **masks, **run_opts)

    config = {"embedDim": E, "numHeads": H, "batchFirst": batch_first, "cross": cross, **run_opts}
    for k, v in opts.items():
        config[{"add_bias_kv": "addBiasKV"}.get(k, k)] = v
    cases.append(run_case(name, "mha", config, mha, inputs, call, {
        "keyPaddingMask": masks.get("key_padding_mask"), "attnMask": masks.get("attn_mask")}))


mha_case("mha self-attention, (L, N, E)", 8, 2, 5, 5, 3, {}, {}, {}, cross=False)
mha_case("mha batchFirst, causal bool mask, key padding", 8, 2, 5, 5, 3, {},
         {"attn_mask": causal(5), "key_padding_mask": padding(3, 5, [5, 3, 4])}, {}, batch_first=True, cross=False)
mha_case("mha cross-attention, kdim/vdim, float mask, per-head weights", 8, 2, 4, 6, 2, {"kdim": 5, "vdim": 3},
         {"attn_mask": torch.randn(4, 6)}, {"average_attn_weights": False})
mha_case("mha no bias, addBiasKV, 3-D bool mask, key padding", 8, 4, 3, 4, 2, {"bias": False, "add_bias_kv": True},
         {"attn_mask": torch.rand(2 * 4, 3, 4) > 0.7, "key_padding_mask": padding(2, 4, [4, 2])}, {}, batch_first=True)
mha_case("mha unbatched (L, E) with a float mask", 6, 3, 4, 4, 1, {}, {"attn_mask": torch.randn(4, 4)}, {},
         unbatched=True, cross=False)

# ------------------------------------------------------------------------------- Transformer layers


def layer_config(d, h, dff, act, norm_first, batch_first):
    return dict(d_model=d, nhead=h, dim_feedforward=dff, dropout=0.0, activation=act,
                norm_first=norm_first, batch_first=batch_first)


def camel(cfg):
    names = {"d_model": "dModel", "nhead": "nhead", "dim_feedforward": "dimFeedforward", "dropout": "dropout",
             "activation": "activation", "norm_first": "normFirst", "batch_first": "batchFirst"}
    return {names[k]: v for k, v in cfg.items()}


def randomize(m):
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn(p.shape) * 0.2)
            elif "norm" in name:
                p.copy_(1 + torch.randn(p.shape) * 0.2)


def seq(batch_first, N, L, d):
    return torch.randn(N, L, d) if batch_first else torch.randn(L, N, d)


D, H, DFF, N = 8, 2, 16, 2
for act, norm_first, batch_first in [("relu", False, False), ("gelu", True, True), ("relu", True, False), ("gelu", False, True)]:
    cfg = layer_config(D, H, DFF, act, norm_first, batch_first)
    tag = f"{act}, normFirst {norm_first}, batchFirst {batch_first}"
    L, S = 5, 4

    enc = nn.TransformerEncoderLayer(**cfg)
    randomize(enc)
    src_mask = causal(L) if act == "relu" else torch.randn(L, L)
    kpm = padding(N, L, [5, 3])
    cases.append(run_case(
        f"encoder layer, {tag}", "encoder_layer", camel(cfg), enc, {"src": seq(batch_first, N, L, D)},
        lambda m, x: (m(x["src"], src_mask=src_mask, src_key_padding_mask=kpm), None),
        {"srcMask": src_mask, "srcKeyPaddingMask": kpm}))

    dec = nn.TransformerDecoderLayer(**cfg)
    randomize(dec)
    tgt_mask, mem_kpm = causal(L), padding(N, S, [4, 2])
    cases.append(run_case(
        f"decoder layer, {tag}", "decoder_layer", camel(cfg), dec,
        {"tgt": seq(batch_first, N, L, D), "memory": seq(batch_first, N, S, D)},
        lambda m, x: (m(x["tgt"], x["memory"], tgt_mask=tgt_mask, memory_key_padding_mask=mem_kpm), None),
        {"tgtMask": tgt_mask, "memoryKeyPaddingMask": mem_kpm}))

for norm_first, batch_first in [(False, False), (True, True)]:
    cfg = layer_config(D, H, DFF, "relu", norm_first, batch_first)
    tag = f"normFirst {norm_first}, batchFirst {batch_first}"
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(**cfg), 2, norm=nn.LayerNorm(D))
    randomize(enc)
    kpm = padding(N, 5, [5, 4])
    cases.append(run_case(
        f"encoder stack of 2 with a final norm, {tag}", "encoder", {**camel(cfg), "numLayers": 2}, enc,
        {"src": seq(batch_first, N, 5, D)},
        lambda m, x: (m(x["src"], mask=causal(5), src_key_padding_mask=kpm), None),
        {"mask": causal(5), "srcKeyPaddingMask": kpm}))

    model = nn.Transformer(d_model=D, nhead=H, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=DFF,
                           dropout=0.0, activation="gelu", norm_first=norm_first, batch_first=batch_first)
    randomize(model)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(3)
    src_kpm = padding(N, 4, [4, 3])
    cases.append(run_case(
        f"transformer 2+1 layers, gelu, {tag}", "transformer",
        {**camel(cfg), "activation": "gelu", "numEncoderLayers": 2, "numDecoderLayers": 1}, model,
        {"src": seq(batch_first, N, 4, D), "tgt": seq(batch_first, N, 3, D)},
        lambda m, x: (m(x["src"], x["tgt"], tgt_mask=tgt_mask, src_key_padding_mask=src_kpm,
                        memory_key_padding_mask=src_kpm), None),
        {"srcKeyPaddingMask": src_kpm, "memoryKeyPaddingMask": src_kpm}))

# --------------------------------------------------------- scaled dot-product attention, written out


def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """PyTorch 2's F.scaled_dot_product_attention (math path): bool masks are True = may attend."""
    L, S = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if is_causal:
        attn_mask = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.softmax(scores, dim=-1) @ v


sdpa_cases = []
for name, shape_q, shape_k, ev, mask, is_causal, scale in [
    ("no mask, 4-D", (2, 3, 4, 6), (2, 3, 5, 6), 4, None, False, None),
    ("bool mask broadcast over batch and heads", (2, 3, 4, 6), (2, 3, 5, 6), 4, torch.rand(4, 5) > 0.4, False, None),
    ("float mask per batch, scale 0.3", (3, 4, 5), (3, 6, 5), 2, torch.randn(3, 1, 6), False, 0.3),
    ("causal, L < S (top-left)", (2, 4, 8), (2, 6, 8), 8, None, True, None),
]:
    if mask is not None and mask.dtype == torch.bool:
        mask[:, 0] = True  # no fully masked row: PyTorch 1.13 gives NaN there
    q, k, v = torch.randn(shape_q), torch.randn(shape_k), torch.randn(shape_k[:-1] + (ev,))
    for t in (q, k, v):
        t.requires_grad_(True)
    out = sdpa(q, k, v, mask, is_causal, scale)
    g = torch.randn(out.shape)
    (out * g).sum().backward()
    sdpa_cases.append({
        "name": name, "q": T(q), "k": T(k), "v": T(v), "attnMask": M(mask), "isCausal": is_causal, "scale": scale,
        "output": T(out), "grad_output": T(g), "grad_q": T(q.grad), "grad_k": T(k.grad), "grad_v": T(v.grad),
    })

# ---------------------------------------------------------------------------- RMSNorm, written out

rms_cases = []
for shape, normalized, eps in [((3, 4, 6), (6,), 1e-6), ((2, 3, 4), (3, 4), None)]:
    x = torch.randn(shape, requires_grad=True)
    w = (1 + 0.3 * torch.randn(normalized)).requires_grad_(True)
    dims = tuple(range(-len(normalized), 0))
    e = torch.finfo(torch.float32).eps if eps is None else eps  # PyTorch 2.4's default: the dtype's eps
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + e) * w
    g = torch.randn(y.shape)
    (y * g).sum().backward()
    rms_cases.append({"normalizedShape": list(normalized), "eps": eps, "input": T(x), "weight": T(w),
                      "output": T(y), "grad_output": T(g), "grad_input": T(x.grad), "grad_weight": T(w.grad)})

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases, "sdpa": sdpa_cases, "rmsnorm": rms_cases},
              f, separators=(",", ":"), allow_nan=False)
print(f"wrote {OUT}: {len(cases)} module cases, {len(sdpa_cases)} SDPA, {len(rms_cases)} RMSNorm, "
      f"{os.path.getsize(OUT) / 1e6:.2f} MB")
