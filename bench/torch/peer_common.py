"""What every PyTorch peer of `agnas bench` shares: the device set-up, the timed loop and the JSON line.

A peer module supplies its own argument parser (built on `base_parser`) and a `build(torch, nn, F, args)`
that returns the model, its optimiser and its step function; `run` does the rest exactly as AgNas's
StepBenchmark does: warm-up steps untimed, each timed step ended by a device synchronisation, the median
reported with its images/s (batch / median), the peak of live CUDA memory over the timed steps.
"""
import argparse
import json
import math
import platform
import resource
import sys
import time

UNAVAILABLE = 3


def attention_module(torch, nn, F):
    """AgNas's AttentionModule as a torch class: z (B, K*C, H, W) -> GAP -> FC K*C -> floor(K*C/r) (no bias) -> ReLU -> FC back
    (no bias) -> sigmoid = y (B, K*C); out = sum over k of y_k * O_k (B, C, H, W). Not normalised across candidates."""

    class AttentionModule(nn.Module):
        def __init__(self, candidates, c, reduction):
            super().__init__()
            self.candidates, self.c = candidates, c
            hidden = max(1, candidates * c // reduction)
            self.fc1 = nn.Linear(candidates * c, hidden, bias=False)
            self.fc2 = nn.Linear(hidden, candidates * c, bias=False)

        def forward(self, z):
            b, kc, h, w = z.shape
            y = torch.sigmoid(self.fc2(F.relu(self.fc1(z.mean(dim=(2, 3))))))
            weighted = z * y.view(b, kc, 1, 1)
            return weighted.view(b, self.candidates, self.c, h, w).sum(dim=1)

    return AttentionModule


def base_parser(description, default_input, default_classes):
    """The options every peer has; a peer adds its own and calls `checked` on the result."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (default: cuda)")
    p.add_argument("--batch", type=int, default=64, help="images per step, >= 2 (default: 64)")
    p.add_argument("--input", default=default_input, help=f"image shape CxHxW (default: {default_input})")
    p.add_argument("--steps", type=int, default=10, help="timed steps; the median is reported (default: 10, as agnas bench)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first (default: 2, as agnas bench)")
    p.add_argument("--classes", type=int, default=default_classes, help=f"classifier outputs (default: {default_classes})")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed (default: 0)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (torch.set_num_threads); 0 = PyTorch's default")
    p.add_argument("--cudnn-benchmark", action="store_true",
                   help="torch.backends.cudnn.benchmark = True (autotuned convolutions; off in plain eager mode)")
    p.add_argument("--no-tf32", action="store_true",
                   help="turn off TF32 in cuDNN convolutions (PyTorch allows it by default) for a strict float32 comparison")
    return p


def checked(p, a):
    """Checks the shared options (exit 2 through argparse on a bad value) and sets a.dims = (C, H, W)."""
    try:
        dims = tuple(int(v) for v in a.input.lower().split("x"))
    except ValueError:
        dims = ()
    if len(dims) != 3 or min(dims) < 1:
        p.error(f"--input {a.input!r}: expected CxHxW with positive integers, e.g. 3x32x32")
    if a.batch < 2:
        p.error(f"--batch {a.batch}: a training step needs at least 2 images (batch norm)")
    if a.steps < 1 or a.warmup < 0:
        p.error(f"--steps {a.steps}, --warmup {a.warmup}: expected steps >= 1 and warmup >= 0")
    if a.classes < 1:
        p.error("--classes must be >= 1")
    a.dims = dims
    return a


def run(name, what, a, build, extra=None):
    """Times `build`'s step on random data and prints one JSON line; returns the exit status.

    build(torch, nn, F, a, device) -> (model, step) where step(images, labels) runs one training step
    and returns the loss tensor. Images are uniform in [-1, 1), labels cycle through the classes, as
    StepBenchmark's.
    """
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:
        print(f"{name}: PyTorch is not available in {sys.executable}: {e}", file=sys.stderr)
        return UNAVAILABLE

    device = torch.device(a.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            print(f"{name}: --device {a.device}: torch {torch.__version__} sees no CUDA device "
                  f"(built for CUDA {torch.version.cuda})", file=sys.stderr)
            return UNAVAILABLE
        index = device.index if device.index is not None else torch.cuda.current_device()
        if index >= torch.cuda.device_count():
            print(f"{name}: --device {a.device}: only {torch.cuda.device_count()} CUDA device(s)", file=sys.stderr)
            return UNAVAILABLE
        device = torch.device("cuda", index)
        torch.cuda.set_device(device)
        torch.backends.cudnn.benchmark = a.cudnn_benchmark
        if a.no_tf32:
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
    elif device.type != "cpu":
        print(f"{name}: --device {a.device}: expected cpu, cuda or cuda:N", file=sys.stderr)
        return 2
    if a.threads > 0:
        torch.set_num_threads(a.threads)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    torch.manual_seed(a.seed)
    c_in, h, w = a.dims
    model, step = build(torch, nn, F, a, device)
    params = sum(p.numel() for p in model.parameters())
    images = (torch.rand(a.batch, c_in, h, w, device=device) * 2 - 1).contiguous()
    labels = torch.arange(a.batch, device=device) % a.classes

    print(f"{name}: timing {a.steps} steps (after {a.warmup} warm-up) of the {what} "
          f"({params:,} parameters) at batch {a.batch}, input {a.input} on {device}...", file=sys.stderr)
    for _ in range(a.warmup):
        step(images, labels)
    sync()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times_ms = []
    loss = None
    for _ in range(a.steps):
        start = time.perf_counter()
        loss = step(images, labels)
        sync()
        times_ms.append((time.perf_counter() - start) * 1000.0)
    final_loss = float(loss.item())

    ordered = sorted(times_ms)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2  # as StepTimings
    result = {
        "impl": "pytorch-eager",
        "what": what,
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or platform.machine()),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "batch": a.batch,
        "input": "x".join(str(d) for d in a.dims),
        "steps": n,
        "warmup": a.warmup,
        "seed": a.seed,
        "params": params,
        **(extra or {}),
        "median_ms_per_step": round(median, 4),
        "min_ms_per_step": round(ordered[0], 4),
        "max_ms_per_step": round(ordered[-1], 4),
        "images_per_s": round(a.batch * 1000.0 / median, 3),
        "peak_bytes": torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None,
        "peak_reserved_bytes": torch.cuda.max_memory_reserved(device) if device.type == "cuda" else None,
        # The whole process's peak resident memory (Linux reports KiB), for CPU runs.
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "threads": torch.get_num_threads(),
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark) if device.type == "cuda" else None,
        "cudnn_allow_tf32": bool(torch.backends.cudnn.allow_tf32) if device.type == "cuda" else None,
        "matmul_allow_tf32": bool(torch.backends.cuda.matmul.allow_tf32) if device.type == "cuda" else None,
        "final_loss": final_loss if math.isfinite(final_loss) else str(final_loss),
    }
    print(json.dumps(result), flush=True)
    if not math.isfinite(final_loss):
        print(f"{name}: the loss is {final_loss} after the timed steps", file=sys.stderr)
        return 1
    return 0
