#!/usr/bin/env python3
"""PyTorch reference values for Strata's linalg tests (test/fixtures/linalg.json).

    /usr/bin/python3 scripts/gen_fixtures_linalg.py

Deterministic (one seeded generator, float64). Eigenvectors and singular vectors are defined up to
sign, so the tests compare them after normalising signs (largest-magnitude entry of each vector
positive) or through sign-free invariants; everything else is compared as is.
"""

import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "linalg.json")
torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(2026)


def t(x):
    x = x.detach().contiguous()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def randn(*shape):
    return torch.randn(*shape, generator=g)


def grad_of(fn, a):
    a = a.clone().requires_grad_(True)
    fn(a).backward()
    return a.grad


cases = []
# symmetric (batched), given as full symmetric matrices
for shape in [(4, 4), (2, 5, 5)]:
    x = randn(*shape)
    a = x + x.mT
    L, V = torch.linalg.eigh(a)
    cases.append({
        "op": "eigh", "A": t(a), "eigenvalues": t(L),
        # a sign-free loss and its gradient: Σ_i w_i (v_i ⊙ v_i)ᵀ c  plus Σ λ_i²
        "grad": t(grad_of(lambda a: (torch.linalg.eigh(a)[1] ** 2 * torch.arange(1.0, a.shape[-1] + 1)).sum()
                           + (torch.linalg.eigh(a)[0] ** 2).sum(), a)),
    })
for shape in [(5, 3), (3, 5), (2, 4, 4)]:
    a = randn(*shape)
    S = torch.linalg.svdvals(a)
    cases.append({
        "op": "svd", "A": t(a), "S": t(S),
        "grad": t(grad_of(lambda a: (torch.linalg.svd(a, full_matrices=False)[0] ** 2).sum(-2).mul(
            torch.arange(1.0, min(a.shape[-2:]) + 1)).sum() + torch.linalg.svdvals(a).pow(3).sum(), a)),
    })
for shape in [(5, 3), (4, 4)]:
    a = randn(*shape)
    Q, R = torch.linalg.qr(a)
    cases.append({"op": "qr", "A": t(a), "Q": t(Q), "R": t(R),
                  "grad": t(grad_of(lambda a: torch.linalg.qr(a)[0].sin().sum() + torch.linalg.qr(a)[1].square().sum(), a))})
for n in [3, 5]:
    x = randn(n, n)
    a = x @ x.mT + n * torch.eye(n)
    cases.append({"op": "cholesky", "A": t(a), "L": t(torch.linalg.cholesky(a)),
                  "grad": t(grad_of(lambda a: torch.linalg.cholesky(a).sin().sum(), a))})
a = randn(2, 4, 4)
b = randn(2, 4, 3)
cases.append({"op": "solve", "A": t(a), "B": t(b), "X": t(torch.linalg.solve(a, b))})
a = randn(3, 3)
cases.append({"op": "inv", "A": t(a), "inv": t(torch.linalg.inv(a)),
              "grad": t(grad_of(lambda a: torch.linalg.inv(a).sin().sum(), a))})
a = randn(3, 4, 4)
sign, logabs = torch.linalg.slogdet(a)
cases.append({"op": "det", "A": t(a), "det": t(torch.linalg.det(a)), "sign": t(sign), "logabsdet": t(logabs),
              "grad": t(grad_of(lambda a: torch.linalg.det(a).sum(), a))})

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT}")
