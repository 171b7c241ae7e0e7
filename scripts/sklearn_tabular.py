#!/usr/bin/env python3
"""scikit-learn's test accuracy on the split examples/tabular-csv.ts used.

Run the example first (it writes examples/output/wine-split.json: the CSV, the target column and the
train/test row indices), then, with Debian's interpreter (python3-sklearn):

    /usr/bin/python3 scripts/sklearn_tabular.py

It fits a StandardScaler on the training rows only, as the example does, then a LogisticRegression and
an MLPClassifier with the example's shape (13-32-3, ReLU, Adam lr 1e-3, batch 16, 60 epochs), prints
their test accuracy and writes examples/output/wine-sklearn.json, which the example prints beside its
own result when the split matches. Options: --split PATH, --out PATH.
"""

import argparse
import csv
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default=os.path.join(ROOT, "examples", "output", "wine-split.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "examples", "output", "wine-sklearn.json"))
    args = parser.parse_args()

    if not os.path.exists(args.split):
        raise SystemExit(f"{args.split} is missing: run `npx tsx examples/tabular-csv.ts` first")
    with open(args.split) as f:
        split = json.load(f)
    with open(os.path.join(ROOT, split["csv"]), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(split["target"])
    x = np.array([[float(v) for j, v in enumerate(r) if j != t] for r in body])
    y = np.array([int(r[t]) for r in body])
    train, test = np.array(split["train"]), np.array(split["test"])
    assert len(set(split["train"]) & set(split["test"])) == 0, "train and test rows overlap"

    scaler = StandardScaler().fit(x[train])
    x_train, x_test = scaler.transform(x[train]), scaler.transform(x[test])
    models = {
        "LogisticRegression": LogisticRegression(max_iter=1000),
        "MLPClassifier(32)": MLPClassifier(
            hidden_layer_sizes=(32,),
            learning_rate_init=1e-3,
            batch_size=16,
            max_iter=60,
            random_state=split["seed"],
        ),
    }
    results = []
    for name, model in models.items():
        with warnings.catch_warnings():
            # 60 epochs is the example's budget, whatever the tolerance says
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x_train, y[train])
        accuracy = float((model.predict(x_test) == y[test]).mean())
        right = int((model.predict(x_test) == y[test]).sum())
        print(f"scikit-learn {sklearn.__version__} {name}: test accuracy {100 * accuracy:.2f}% ({right}/{len(test)})")
        results.append({"model": name, "accuracy": accuracy})

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"sklearn": sklearn.__version__, "test": split["test"], "results": results}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
