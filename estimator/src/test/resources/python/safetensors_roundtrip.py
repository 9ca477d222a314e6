# Reads a Java-written file with the reference safetensors package and writes one for Java to read.
# argv: <java-written file> <file to write>. Uses safetensors.torch when torch is importable (it can hold
# BF16), else safetensors.numpy (numpy has no bfloat16, so BF16 tensors are reported as absent).
# Prints {"backend", "metadata", "tensors": {name: {"dtype", "shape", "values"}}} as JSON.
import json
import sys

from safetensors import safe_open

try:
    import torch
    from safetensors.torch import load_file, save_file
    backend = "torch"
except ImportError:
    import numpy as np
    from safetensors.numpy import load_file, save_file
    backend = "numpy"

with safe_open(sys.argv[1], framework="np" if backend == "numpy" else "pt") as f:
    metadata = f.metadata() or {}
tensors = load_file(sys.argv[1])
out = {}
for name, t in tensors.items():
    if backend == "torch":
        dtype = str(t.dtype).replace("torch.", "")
        values = t.flatten().tolist()
        shape = list(t.shape)
    else:
        dtype = str(t.dtype)
        values = t.flatten().tolist()
        shape = list(t.shape)
    out[name] = {"dtype": dtype, "shape": shape, "values": values}

if backend == "torch":
    mine = {
        "py/w": torch.tensor([[1.5, -2.0]], dtype=torch.float32),
        "py/i": torch.tensor([7, -8], dtype=torch.int64),
        "py/h": torch.tensor([0.5], dtype=torch.float16),
        "py/b": torch.tensor([3.0, -0.125], dtype=torch.bfloat16),
        "py/m": torch.tensor([True, False]),
    }
else:
    mine = {
        "py/w": np.array([[1.5, -2.0]], dtype=np.float32),
        "py/i": np.array([7, -8], dtype=np.int64),
        "py/h": np.array([0.5], dtype=np.float16),
        "py/m": np.array([True, False]),
    }
save_file(mine, sys.argv[2], metadata={"written_by": backend})
print(json.dumps({"backend": backend, "metadata": metadata, "tensors": out}))
