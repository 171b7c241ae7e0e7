#!/usr/bin/env python3
"""scikit-learn reference values for Strata's PCA tests (test/fixtures/pca.json).

    /usr/bin/python3 scripts/gen_fixtures_pca.py      # Debian's python3-sklearn (1.2.1)

Deterministic: fixed numpy seeds, float64. Components carry scikit-learn's own signs (svd_flip,
decided by U in 1.2: the largest-magnitude entry of each column of U is positive); Strata follows
the same rule, so the tests compare components as they are.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "pca.json")


def t(x):
    x = np.asarray(x, dtype=np.float64)
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


rng = np.random.default_rng(7)
# correlated features with distinct variances, and a fresh batch to transform
mixing = rng.normal(size=(8, 8)) * np.linspace(3, 0.2, 8)[:, None]
tall = rng.normal(size=(40, 8)) @ mixing + rng.normal(size=8) * 5
new = rng.normal(size=(5, 8)) @ mixing
wide = rng.normal(size=(6, 10)) * np.linspace(2, 0.5, 10)

cases = []
for name, x, y, options in [
    ("tall, 3 components", tall, new, {"n_components": 3}),
    ("tall, 3 components, whitened", tall, new, {"n_components": 3, "whiten": True}),
    ("tall, all components", tall, new, {}),
    ("tall, 90% of the variance", tall, new, {"n_components": 0.9}),
    ("wide, 4 components", wide, wide[:2] * 0.5, {"n_components": 4}),
    ("wide, whitened", wide, wide[:2] * 0.5, {"n_components": 5, "whiten": True}),
]:
    pca = PCA(svd_solver="full", **options).fit(x)
    z = pca.transform(y)
    cases.append({
        "name": name,
        "options": options,
        "X": t(x),
        "Y": t(y),
        "mean": t(pca.mean_),
        "components": t(pca.components_),
        "explained_variance": t(pca.explained_variance_),
        "explained_variance_ratio": t(pca.explained_variance_ratio_),
        "singular_values": t(pca.singular_values_),
        "noise_variance": float(pca.noise_variance_),
        "n_components": int(pca.n_components_),
        "transform": t(z),
        "fit_transform": t(PCA(svd_solver="full", **options).fit_transform(x)),
        "inverse_transform": t(pca.inverse_transform(z)),
    })

with open(OUT, "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {OUT} (scikit-learn {sklearn.__version__})")
