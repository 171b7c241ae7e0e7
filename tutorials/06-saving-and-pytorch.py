"""The PyTorch side of tutorial 06 (tutorials/06-saving-and-pytorch.md).

1. Strata -> PyTorch: loads the MLP that `npx tsx tutorials/06-saving-and-pytorch.ts` saved
   (tutorials/output/06-saving-and-pytorch-mlp.safetensors) into torch.nn.Sequential, strictly, and
   compares PyTorch's outputs with Strata's on the same 100 test images (the probe file it saved).
2. PyTorch -> Strata: saves the state dict of a torch.nn.Sequential of the same shape (PyTorch's own
   initialisation, seed 0) to tutorials/data/06-from-pytorch.safetensors, and PyTorch's outputs on a
   probe input to tutorials/data/06-from-pytorch-outputs.safetensors; the tutorial loads both.

Run from the repository root: /usr/bin/python3 tutorials/06-saving-and-pytorch.py
Needs torch; uses the `safetensors` package when it is installed, else the small reader and writer
below (the format is an 8-byte header length, a JSON header, then the raw little-endian data).
"""
import json
import os
import struct

import numpy as np
import torch

try:
    from safetensors.torch import load_file, save_file
except ImportError:
    CODES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}

    def load_file(path):
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            body = f.read()
        header.pop("__metadata__", None)
        out = {}
        for name, info in header.items():
            begin, end = info["data_offsets"]
            array = np.frombuffer(body[begin:end], dtype=np.dtype(CODES[info["dtype"]]).newbyteorder("<"))
            out[name] = torch.from_numpy(array.copy()).reshape(info["shape"])
        return out

    def save_file(tensors, path):
        header, blobs, offset = {}, [], 0
        for name in sorted(tensors):
            t = tensors[name].detach().contiguous()
            code = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}[t.dtype]
            blob = t.numpy().astype(np.dtype(CODES[code]).newbyteorder("<")).tobytes()
            header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
            blobs.append(blob)
            offset += len(blob)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def mlp(hidden):
    # the same layers as the tutorial's makeModel({ hidden }): state-dict keys 0.weight, 0.bias, 2.weight, 2.bias
    return torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))


here = os.path.dirname(os.path.abspath(__file__))

# 1. Strata -> PyTorch
saved = os.path.join(here, "output", "06-saving-and-pytorch-mlp.safetensors")
if os.path.exists(saved):
    model = mlp(128)
    model.load_state_dict(load_file(saved))  # strict by default, as Strata's loadModel
    probe = load_file(os.path.join(here, "output", "06-saving-and-pytorch-probe.safetensors"))
    with torch.no_grad():
        logits = model(probe["images"])
    print("Strata's weights in PyTorch: largest difference from Strata's outputs %.2e"
          % (logits - probe["logits"]).abs().max().item())
    same = (logits.argmax(1) == probe["logits"].argmax(1)).sum().item()
    print("same predicted digit for %d of %d images" % (same, len(logits)))
else:
    print("run `npx tsx tutorials/06-saving-and-pytorch.ts` first for the Strata -> PyTorch check")

# 2. PyTorch -> Strata
torch.manual_seed(0)
model = mlp(16)  # a small one: its file is committed
inputs = torch.rand(8, 784)
with torch.no_grad():
    outputs = model(inputs)
save_file(model.state_dict(), os.path.join(here, "data", "06-from-pytorch.safetensors"))
save_file({"inputs": inputs, "outputs": outputs}, os.path.join(here, "data", "06-from-pytorch-outputs.safetensors"))
print("wrote tutorials/data/06-from-pytorch.safetensors and 06-from-pytorch-outputs.safetensors (torch %s)"
      % torch.__version__)
