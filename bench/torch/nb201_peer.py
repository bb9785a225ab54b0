#!/usr/bin/env python3
"""PyTorch peer of `agnas bench --space nb201`: the same AGNAS supernet training step, in eager mode.

The network, the step and the measurement mirror AgNas (src/AgNas.Search/Spaces/Nb201,
src/AgNas.Search/Attention/AttentionModule.cs, src/AgNas.Search/Profiling/StepBenchmark.cs);
bench/torch/README.md lists the correspondences. Prints one JSON line on stdout whose keys match
those of `agnas bench --json FILE`; everything else goes to stderr.

  python3 bench/torch/nb201_peer.py --device cuda --batch 64 --steps 20 --warmup 3
  python3 bench/torch/nb201_peer.py --device cpu --batch 8 --steps 2 --threads 2

Exit status: 0 measured; 1 an error; 2 a bad command line; 3 unavailable here (PyTorch is not
installed, or --device cuda without a CUDA device), with the reason on stderr.
"""
import sys

from peer_common import attention_module, base_parser, checked, run

# NAS-Bench-201's candidate ops in canonical order (the attention groups follow it).
OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
# The cell's edges as (to, from), in AgNas's Nb201Topology.Edges order.
EDGES = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
NODES = 4


def parse_args(argv):
    p = base_parser("Time training steps of the NAS-Bench-201 AGNAS supernet in PyTorch eager mode "
                    "(the peer of `agnas bench --space nb201`) and print one JSON line.", "3x32x32", 10)
    p.add_argument("--channels", type=int, default=16, help="C, the first stage's width (default: 16)")
    p.add_argument("--cells", type=int, default=5, help="N, search cells per stage (default: 5)")
    p.add_argument("--r", type=int, default=8, help="attention reduction r: hidden width floor(5C/r) (default: 8)")
    p.add_argument("--no-cell-input-norm", action="store_true",
                   help="leave out the non-affine BatchNorm that starts each search cell (AgNas's CellInputNorm, on by default)")
    a = checked(p, p.parse_args(argv))
    if min(a.channels, a.cells, a.r) < 1:
        p.error("--channels, --cells and --r must be >= 1")
    return a


def build_model(torch, nn, F, in_channels, classes, channels, cells_per_stage, r, cell_input_norm):
    """The AGNAS NB201 supernet, written out after AgNas's modules (names follow theirs)."""

    class Zero(nn.Module):
        """`none`: zeros of the input's shape, a constant (no graph, no gradient), as AgNas's Zero."""

        def forward(self, x):
            return torch.zeros_like(x)

    class ReLUConvBN(nn.Module):
        """ReLU -> Conv2d (bias iff the BN is not affine, NB201's rule) -> BatchNorm2d."""

        def __init__(self, c_in, c_out, kernel, stride, padding, affine):
            super().__init__()
            self.op = nn.Sequential(
                nn.ReLU(),
                nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=not affine),
                nn.BatchNorm2d(c_out, affine=affine, track_running_stats=True))

        def forward(self, x):
            return self.op(x)

    def candidate(name, c):
        # Search cells: stride 1, BN without affine (so the convs carry a bias).
        if name == "none":
            return Zero()
        if name == "skip_connect":
            return nn.Identity()
        if name == "nor_conv_1x1":
            return ReLUConvBN(c, c, 1, 1, 0, affine=False)
        if name == "nor_conv_3x3":
            return ReLUConvBN(c, c, 3, 1, 1, affine=False)
        if name == "avg_pool_3x3":
            return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        raise ValueError(name)

    AttentionModule = attention_module(torch, nn, F)

    class MixedEdge(nn.Module):
        """All five candidates, concatenated along channels in op order, then the attention module."""

        def __init__(self, c, reduction):
            super().__init__()
            self.ops = nn.ModuleList(candidate(name, c) for name in OPS)
            self.attention = AttentionModule(len(OPS), c, reduction)

        def forward(self, x):
            return self.attention(torch.cat([op(x) for op in self.ops], dim=1))

    class SearchCell(nn.Module):
        """Node 0 = the input (after the non-affine BN when cell_input_norm); node i = sum of its edges."""

        def __init__(self, c, reduction, input_norm):
            super().__init__()
            self.input_bn = nn.BatchNorm2d(c, affine=False, track_running_stats=True) if input_norm else None
            self.edges = nn.ModuleList(MixedEdge(c, reduction) for _ in EDGES)

        def forward(self, x):
            nodes = [None] * NODES
            nodes[0] = x if self.input_bn is None else self.input_bn(x)
            for node in range(1, NODES):
                total = None
                for edge, (to, frm) in zip(self.edges, EDGES):
                    if to == node:
                        y = edge(nodes[frm])
                        total = y if total is None else total + y
                nodes[node] = total
            return nodes[NODES - 1]

    class ResNetBasicBlock(nn.Module):
        """Between the stages: conv_a (3x3, stride 2) -> conv_b (3x3), affine BN, no conv bias;
        shortcut AvgPool 2x2 stride 2 -> 1x1 conv without bias or BN."""

        def __init__(self, c_in, c_out):
            super().__init__()
            self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1, affine=True)
            self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1, affine=True)
            self.downsample = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0),
                                            nn.Conv2d(c_in, c_out, 1, stride=1, padding=0, bias=False))

        def forward(self, x):
            return self.downsample(x) + self.conv_b(self.conv_a(x))

    class Supernet(nn.Module):
        """Stem conv 3x3 (no bias) + BN; stages of N cells of width C, 2C, 4C joined by residual blocks;
        BN -> ReLU -> global average pool -> Linear(4C -> classes)."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(in_channels, channels, 3, stride=1, padding=1, bias=False),
                                      nn.BatchNorm2d(channels))
            layers, previous = [], channels
            for stage in range(3):
                width = channels << stage
                if stage > 0:
                    layers.append(ResNetBasicBlock(previous, width))
                layers.extend(SearchCell(width, r, cell_input_norm) for _ in range(cells_per_stage))
                previous = width
            self.cells = nn.ModuleList(layers)
            self.lastact = nn.Sequential(nn.BatchNorm2d(previous), nn.ReLU())
            self.classifier = nn.Linear(previous, classes)

        def forward(self, x):
            h = self.stem(x)
            for cell in self.cells:
                h = cell(h)
            h = self.lastact(h)
            return self.classifier(h.mean(dim=(2, 3)))

    return Supernet()


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)

    def build(torch, nn, F, a, device):
        model = build_model(torch, nn, F, a.dims[0], a.classes, a.channels, a.cells, a.r, not a.no_cell_input_norm).to(device)
        model.train()
        params = list(model.parameters())
        # As StepBenchmark: SGD lr 0.025, momentum 0.9, weight decay 3e-4 on every parameter; clip at 5.
        optimizer = torch.optim.SGD(params, lr=0.025, momentum=0.9, weight_decay=3e-4)

        def step(images, labels):
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            nn.utils.clip_grad_norm_(params, 5.0)
            optimizer.step()
            return loss

        return model, step

    return run("nb201_peer", "nb201 supernet", a, build, {"r": a.r, "cell_input_norm": not a.no_cell_input_norm})


if __name__ == "__main__":
    sys.exit(main())
