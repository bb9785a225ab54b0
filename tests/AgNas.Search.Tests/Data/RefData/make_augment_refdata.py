"""Reference outputs of torchvision's transforms for AgNas's augmentation tests.

Run once with Debian's PyTorch (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 tests/AgNas.Search.Tests/Data/RefData/make_augment_refdata.py

It rewrites colour.json and resize.json beside this script. The tests read those files and never
call Python. Every tensor is stored as {"shape": [...], "data": [...]} (float32 values, row-major
CHW). Inputs are fixed by a seed and include saturated and grey pixels.
"""
import json
import os

import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def rgb_input():
    g = torch.Generator().manual_seed(20220717)
    x = torch.rand(3, 5, 7, generator=g)
    x[:, 0, 0] = 0.0           # black
    x[:, 0, 1] = 1.0           # white
    x[:, 0, 2] = 0.5           # grey: hue 0, saturation 0
    x[0, 1, 0] = 1.0           # red channel saturated
    x[:, 1, 1] = torch.tensor([0.9, 0.9, 0.2])   # max shared by red and green
    x[:, 1, 2] = torch.tensor([0.1, 0.8, 0.8])   # max shared by green and blue
    return x


def colour_cases():
    x = rgb_input()
    grey = torch.rand(1, 5, 7, generator=torch.Generator().manual_seed(7))
    cases = []
    for f in (0.0, 0.6, 1.3):
        cases.append({"op": "brightness", "factor": f, "input": "rgb", "output": tensor(F.adjust_brightness(x, f))})
    for f in (0.0, 0.5, 1.4):
        cases.append({"op": "contrast", "factor": f, "input": "rgb", "output": tensor(F.adjust_contrast(x, f))})
    for f in (0.0, 0.3, 1.6):
        cases.append({"op": "saturation", "factor": f, "input": "rgb", "output": tensor(F.adjust_saturation(x, f))})
    for f in (-0.5, -0.2, 0.0, 0.15, 0.5):
        cases.append({"op": "hue", "factor": f, "input": "rgb", "output": tensor(F.adjust_hue(x, f))})
    cases.append({"op": "brightness", "factor": 1.3, "input": "grey", "output": tensor(F.adjust_brightness(grey, 1.3))})
    cases.append({"op": "contrast", "factor": 0.5, "input": "grey", "output": tensor(F.adjust_contrast(grey, 0.5))})
    # ColorJitter.forward with fixed draws: the order [3, 0, 2, 1] (hue, brightness, saturation, contrast).
    y = F.adjust_hue(x, 0.12)
    y = F.adjust_brightness(y, 1.25)
    y = F.adjust_saturation(y, 0.7)
    y = F.adjust_contrast(y, 1.35)
    cases.append({"op": "jitter", "order": [3, 0, 2, 1], "brightness": 1.25, "contrast": 1.35, "saturation": 0.7,
                  "hue": 0.12, "input": "rgb", "output": tensor(y)})
    return {"versions": {"torch": torch.__version__, "torchvision": torchvision.__version__},
            "inputs": {"rgb": tensor(x), "grey": tensor(grey)}, "cases": cases}


def resize_cases():
    g = torch.Generator().manual_seed(5)
    small = torch.rand(3, 5, 7, generator=g)
    large = torch.rand(3, 13, 17, generator=g)
    cases = []

    def add(name, inp, out, **config):
        cases.append({"name": name, "input": inp, "config": config, "output": tensor(out)})

    inputs = {"small": small, "large": large}
    # Upscaling: antialias False and True give the same values.
    add("up_no_aa", "small", F.resize(small, [9, 11], T.InterpolationMode.BILINEAR, antialias=False), height=9, width=11)
    add("up_aa", "small", F.resize(small, [9, 11], T.InterpolationMode.BILINEAR, antialias=True), height=9, width=11)
    # Downscaling, antialiased (PIL-like), both axes and one axis at a time.
    add("down_aa", "large", F.resize(large, [5, 7], T.InterpolationMode.BILINEAR, antialias=True), height=5, width=7)
    add("down_rows_aa", "large", F.resize(large, [4, 17], T.InterpolationMode.BILINEAR, antialias=True), height=4, width=17)
    add("mixed_aa", "large", F.resize(large, [20, 6], T.InterpolationMode.BILINEAR, antialias=True), height=20, width=6)
    # Resize(int): the shorter side to 4 -> 4x5 (int(4 * 7 / 5) = 5).
    add("shorter_side_4", "small", T.Resize(4, T.InterpolationMode.BILINEAR, antialias=True)(small), shorter=4)
    # resized_crop as RandomResizedCrop applies it: box (top 2, left 3, 7 x 9) of the large image to 8 x 8.
    add("resized_crop", "large", F.resized_crop(large, 2, 3, 7, 9, [8, 8], T.InterpolationMode.BILINEAR, antialias=True),
        top=2, left=3, box_height=7, box_width=9, height=8, width=8)
    add("resized_crop_down", "large", F.resized_crop(large, 1, 0, 12, 15, [5, 4], T.InterpolationMode.BILINEAR, antialias=True),
        top=1, left=0, box_height=12, box_width=15, height=5, width=4)
    # CenterCrop, inside the image and larger than it (zero padding).
    add("center_crop_4", "small", T.CenterCrop(4)(small), height=4, width=4)
    add("center_crop_3x4", "large", T.CenterCrop((3, 4))(large), height=3, width=4)
    add("center_crop_pad_8x10", "small", T.CenterCrop((8, 10))(small), height=8, width=10)
    return {"versions": {"torch": torch.__version__, "torchvision": torchvision.__version__},
            "inputs": {k: tensor(v) for k, v in inputs.items()}, "cases": cases}


def main():
    for name, data in (("colour.json", colour_cases()), ("resize.json", resize_cases())):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        print("wrote", os.path.join(HERE, name), len(data["cases"]), "cases")


if __name__ == "__main__":
    main()
