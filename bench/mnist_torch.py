"""PyTorch peer for MNIST time-to-accuracy: the same MLP, data split and schedule as
examples/mnist-mlp.yaml (784-256 relu, dropout 0.2, 10; Adam; 50-step linear warm-up then cosine from
0.002 over 1000 steps to 5%; clip global norm 5; Keras-style L2 1e-4 on the hidden kernel; batch 64;
first 8,000 test images train, last 2,000 evaluate every 125 steps). Prints one JSON line.

Usage: OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/mnist_torch.py ../shared/data/mnist-t10k [target]
"""
import gzip, json, math, struct, sys, time
import torch


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def main():
    root = sys.argv[1]
    target = float(sys.argv[2]) if len(sys.argv) > 2 else 0.95
    torch.set_num_threads(1)
    torch.manual_seed(7)
    images = idx(root + "/t10k-images-idx3-ubyte.gz").float().reshape(-1, 784) / 255.0
    labels = idx(root + "/t10k-labels-idx1-ubyte.gz").long()
    xtr, ytr, xev, yev = images[:8000], labels[:8000], images[8000:], labels[8000:]
    hidden, out = torch.nn.Linear(784, 256), torch.nn.Linear(256, 10)
    model = torch.nn.Sequential(hidden, torch.nn.ReLU(), torch.nn.Dropout(0.2), out)
    opt = torch.optim.Adam(model.parameters(), lr=0.002, betas=(0.9, 0.999), eps=1e-7)

    def lr_at(step):
        warm = min(1.0, (step + 1) / 50)
        s = max(step - 50, 0)
        cos = 0.5 * (1 + math.cos(math.pi * min(s, 1000) / 1000))
        return 0.002 * ((1 - 0.05) * cos + 0.05) * warm

    start = time.perf_counter()
    reached, step, accuracy = None, 0, 0.0
    for epoch in range(8):
        perm = torch.randperm(8000)
        for b in range(8000 // 64):
            idxs = perm[b * 64:(b + 1) * 64]
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            model.train()
            loss = torch.nn.functional.cross_entropy(model(xtr[idxs]), ytr[idxs])
            loss = loss + 1e-4 * (hidden.weight ** 2).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            if step % 125 == 0:
                model.eval()
                with torch.no_grad():
                    accuracy = (model(xev).argmax(1) == yev).float().mean().item()
                if reached is None and accuracy >= target:
                    reached = time.perf_counter() - start
    print(json.dumps(dict(bench="torch_mnist_mlp", target=target, seconds_to_target=reached,
                          steps=step, seconds_total=time.perf_counter() - start, final_accuracy=accuracy)))


if __name__ == "__main__":
    main()
