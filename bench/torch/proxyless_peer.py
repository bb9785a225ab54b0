#!/usr/bin/env python3
"""PyTorch peer of `agnas bench --space proxyless` and `agnas bench --model proxyless-net`, in eager mode.

The supernet (21 choice layers of MBConv candidates, plus skip where allowed, each layer's concatenation
weighed by its attention module) and the exported network (stem, fixed block, the chosen blocks, head with
dropout) mirror AgNas's src/AgNas.Search/Spaces/Proxyless; the training step mirrors the space's recipes
(agnas-facts §4.3 for the supernet, §4.4 for the exported network). Prints one JSON line on stdout whose
keys match those of `agnas bench --json FILE`; everything else goes to stderr.

  python3 bench/torch/proxyless_peer.py --device cuda --batch 64 --input 3x224x224
  python3 bench/torch/proxyless_peer.py --model proxyless-net --device cuda --batch 128 --input 3x224x224
  python3 bench/torch/proxyless_peer.py --device cpu --batch 8 --input 3x32x32 --stem-stride 1 --threads 2

Exit status: 0 measured; 1 an error; 2 a bad command line; 3 unavailable here (PyTorch is not
installed, or --device cuda without a CUDA device), with the reason on stderr.
"""
import sys

from peer_common import attention_module, base_parser, checked, run

# The candidate blocks in the reference order (agnas-facts §4.1): (key, kernel, expansion); id = index.
BLOCKS = (("mobilenet_3x3_ratio_3", 3, 3), ("mobilenet_3x3_ratio_6", 3, 6),
          ("mobilenet_5x5_ratio_3", 5, 3), ("mobilenet_5x5_ratio_6", 5, 6),
          ("mobilenet_7x7_ratio_3", 7, 3), ("mobilenet_7x7_ratio_6", 7, 6))
SKIP = -1
# The 21 choice layers (agnas-facts §4.2): (in, out, stride); skip is a candidate iff stride 1 and in == out.
LAYERS = ((24, 32, 2), (32, 32, 1), (32, 32, 1), (32, 32, 1),
          (32, 56, 2), (56, 56, 1), (56, 56, 1), (56, 56, 1),
          (56, 112, 2), (112, 112, 1), (112, 112, 1), (112, 112, 1),
          (112, 128, 1), (128, 128, 1), (128, 128, 1), (128, 128, 1),
          (128, 256, 2), (256, 256, 1), (256, 256, 1), (256, 256, 1),
          (256, 432, 1))
STEM, FIRST, HEAD = 40, 24, 1728
# The AGNAS ImageNet architecture (agnas-facts §4.5).
AGNAS = "1 1 -1 2 1 -1 5 1 1 -1 5 1 1 -1 1 4 3 -1 5 5 5"


def parse_args(argv):
    p = base_parser("Time training steps of the ProxylessNAS-space AGNAS supernet (or an exported network) in "
                    "PyTorch eager mode (the peer of `agnas bench --space proxyless` / `--model proxyless-net`) "
                    "and print one JSON line.", "3x224x224", 1000)
    p.add_argument("--model", choices=("supernet", "proxyless-net"), default="supernet",
                   help="supernet: the search step (SGD 0.25, label smoothing 0.1, clip by value 5); proxyless-net: "
                        "the retrain step of --arch (SGD 0.5, dropout 0.2, label smoothing 0.1, clip by norm 5) (default: supernet)")
    p.add_argument("--arch", default=AGNAS, help="proxyless-net: the 21 block ids, -1 = skip (default: AGNAS)")
    p.add_argument("--stem-stride", type=int, choices=(1, 2), default=2,
                   help="stride of the stem conv: 2 as ProxylessNAS on ImageNet, 1 for 28-64 px images (default: 2)")
    p.add_argument("--r", type=int, default=16, help="attention reduction r: hidden width floor(K*out/r) (default: 16)")
    a = checked(p, p.parse_args(argv))
    try:
        a.ids = [int(t) for t in a.arch.split()]
    except ValueError:
        p.error(f"--arch {a.arch!r}: expected 21 integers")
    if len(a.ids) != len(LAYERS):
        p.error(f"--arch: expected {len(LAYERS)} ids, got {len(a.ids)}")
    for i, (block, (c_in, c_out, s)) in enumerate(zip(a.ids, LAYERS)):
        if block == SKIP and not (s == 1 and c_in == c_out) or not SKIP <= block < len(BLOCKS):
            p.error(f"--arch: layer {i} ({c_in}->{c_out}, stride {s}) cannot take id {block}")
    return a


def build_model(torch, nn, F, a):
    """The supernet or the exported network, written out after AgNas's modules (names follow theirs)."""

    class MBConv(nn.Module):
        """1x1 expand (left out at e = 1) -> BN -> ReLU6 -> depthwise kxk -> BN -> ReLU6 -> 1x1 project -> BN;
        no bias; the input added iff stride 1 and in == out."""

        def __init__(self, c_in, c_out, kernel, expansion, stride):
            super().__init__()
            mid = c_in * expansion
            self.expand = nn.Sequential(nn.Conv2d(c_in, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6()) \
                if expansion != 1 else None
            self.depthwise = nn.Sequential(
                nn.Conv2d(mid, mid, kernel, stride=stride, padding=kernel // 2, groups=mid, bias=False),
                nn.BatchNorm2d(mid), nn.ReLU6())
            self.project = nn.Sequential(nn.Conv2d(mid, c_out, 1, bias=False), nn.BatchNorm2d(c_out))
            self.residual = stride == 1 and c_in == c_out

        def forward(self, x):
            y = self.project(self.depthwise(x if self.expand is None else self.expand(x)))
            return x + y if self.residual else y

    AttentionModule = attention_module(torch, nn, F)

    class ChoiceLayer(nn.Module):
        """Every candidate block (and skip where allowed), concatenated along channels, then attention."""

        def __init__(self, c_in, c_out, stride, reduction):
            super().__init__()
            ops = [MBConv(c_in, c_out, k, e, stride) for _, k, e in BLOCKS]
            if stride == 1 and c_in == c_out:
                ops.append(nn.Identity())
            self.ops = nn.ModuleList(ops)
            self.attention = AttentionModule(len(ops), c_out, reduction)

        def forward(self, x):
            return self.attention(torch.cat([op(x) for op in self.ops], dim=1))

    class Network(nn.Module):
        """Stem conv 3x3 + BN + ReLU6; MBConv e1 k3 40 -> 24; the layers; 1x1 conv 432 -> 1728 + BN + ReLU6,
        global average pool, [dropout], Linear(1728 -> classes)."""

        def __init__(self, layers, dropout, list_name):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(a.dims[0], STEM, 3, stride=a.stem_stride, padding=1, bias=False),
                                      nn.BatchNorm2d(STEM), nn.ReLU6())
            self.first_block = MBConv(STEM, FIRST, 3, 1, 1)
            # "layers" (the supernet's 21 choice layers) or "blocks" (the exported network's chosen blocks).
            self.list_name = list_name
            setattr(self, list_name, nn.ModuleList(layers))
            self.head = nn.Sequential(nn.Conv2d(LAYERS[-1][1], HEAD, 1, bias=False), nn.BatchNorm2d(HEAD), nn.ReLU6())
            self.dropout = dropout
            self.classifier = nn.Linear(HEAD, a.classes)

        def forward(self, x):
            h = self.first_block(self.stem(x))
            for layer in getattr(self, self.list_name):
                h = layer(h)
            h = self.head(h).mean(dim=(2, 3))
            if self.dropout > 0:
                h = F.dropout(h, self.dropout, self.training)
            return self.classifier(h)

    if a.model == "supernet":
        model = Network([ChoiceLayer(i, o, s, a.r) for i, o, s in LAYERS], 0.0, "layers")
        # Supernet initialisation (agnas-facts §4.2): conv weights ~ N(0, sqrt(2 / (k^2 * out))), BN 1 and 0.
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        return model
    blocks = [MBConv(i, o, BLOCKS[b][1], BLOCKS[b][2], s) for b, (i, o, s) in zip(a.ids, LAYERS) if b != SKIP]
    return Network(blocks, 0.2, "blocks")


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    supernet = a.model == "supernet"

    def build(torch, nn, F, a, device):
        model = build_model(torch, nn, F, a).to(device)
        model.train()
        # ProxylessNAS's weight-decay rule (PS/utils.py): 4-D conv weights and the classifier only.
        decay = [p for n, p in model.named_parameters() if p.dim() == 4 or n.startswith("classifier.")]
        chosen = set(id(p) for p in decay)
        rest = [p for p in model.parameters() if id(p) not in chosen]
        optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 4e-5}, {"params": rest, "weight_decay": 0.0}],
                                    lr=0.25 if supernet else 0.5, momentum=0.9)
        params = list(model.parameters())

        def step(images, labels):
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images), labels, label_smoothing=0.1)
            loss.backward()
            if supernet:
                nn.utils.clip_grad_value_(params, 5.0)
            else:
                nn.utils.clip_grad_norm_(params, 5.0)
            optimizer.step()
            return loss

        return model, step

    what = "proxyless supernet" if supernet else "proxyless network"
    return run("proxyless_peer", what, a, build, {"r": a.r if supernet else None, "arch": None if supernet else a.arch,
                                                  "stem_stride": a.stem_stride})


if __name__ == "__main__":
    sys.exit(main())
