#!/usr/bin/env python3
"""scikit-learn on every split the project's full run wrote, once; the results are committed.

    npx tsx projects/tabular-vs-sklearn/main.ts                   # writes output/splits/NAME-seedN.json
    /usr/bin/python3 projects/tabular-vs-sklearn/sklearn_runs.py  # writes output/sklearn/NAME-seedN.json

Each split goes through scripts/sklearn_tabular.py, the script docs/TABULAR.md uses for the wine
example (StandardScaler on the training rows, then LogisticRegression and MLPClassifier(32) with Adam
lr 1e-3, batches of 16, 60 epochs), so both comparisons run the same scikit-learn code.
Needs Debian's python3-sklearn (scikit-learn 1.2.1 here); the quick mode of main.ts needs no Python.
"""

import glob
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    spec = importlib.util.spec_from_file_location("sklearn_tabular", os.path.join(ROOT, "scripts", "sklearn_tabular.py"))
    sklearn_tabular = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sklearn_tabular)
    splits = sorted(glob.glob(os.path.join(HERE, "output", "splits", "*.json")))
    if not splits:
        raise SystemExit("no splits in output/splits: run `npx tsx projects/tabular-vs-sklearn/main.ts` first")
    for split in splits:
        name = os.path.basename(split)
        print(name)
        sys.argv = ["sklearn_tabular.py", "--split", split, "--out", os.path.join(HERE, "output", "sklearn", name)]
        sklearn_tabular.main()


if __name__ == "__main__":
    main()
