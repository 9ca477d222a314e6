# An independent safetensors decoder using only the Python standard library (json + struct), so the
# Java writer is checked against a second implementation of the spec even where no ML stack is installed.
# Prints {"metadata": {...}, "tensors": {name: {"dtype", "shape", "values"}}} as JSON.
import json
import struct
import sys

with open(sys.argv[1], "rb") as f:
    data = f.read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n].decode("utf-8"))
metadata = header.pop("__metadata__", {})
base = 8 + n
codes = {"F32": "f", "F64": "d", "I32": "i", "I64": "q", "F16": "e", "BOOL": "B"}
out = {}
for name, entry in header.items():
    begin, end = entry["data_offsets"]
    raw = data[base + begin:base + end]
    dtype = entry["dtype"]
    if dtype == "BF16":
        # bf16 is the upper half of an f32.
        values = [struct.unpack("<f", struct.pack("<I", h << 16))[0] for (h,) in struct.iter_unpack("<H", raw)]
    else:
        values = [v for (v,) in struct.iter_unpack("<" + codes[dtype], raw)]
    out[name] = {"dtype": dtype, "shape": entry["shape"], "values": values}
print(json.dumps({"metadata": metadata, "tensors": out}))
