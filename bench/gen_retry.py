"""Generate a realistic retry box: CCR files as a site server leaves them in ccrretry.box.

    python bench/gen_retry.py DIR [--count 10000] [--seed 1]

What "realistic" means here (DOMAIN.md): names as NetBIOS names or numeric ResourceIDs,
one to three IP addresses (repeated in ``[IP Address ]``), the common client push errors
in rough real proportions (53 and 5 most often, HRESULTs written signed), attempts and
dates spread over the 7-day window (a few already expired), CRLF mostly but some LF,
a few UTF-16 files with a BOM, some with the quirks real files have (indented keys,
spaces around ``=``), and about 0.5% that do not parse (empty, binary, no Machine Name).
The generated files are for benchmarks and are never committed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

# (code as the site server writes it, weight)
ERRORS = [
    (53, 40),
    (5, 18),
    (67, 10),
    (1326, 6),
    (-2147023174, 6),  # 0x800706BA RPC_S_SERVER_UNAVAILABLE
    (64, 4),
    (120, 4),
    (1203, 3),
    (1396, 2),
    (-2147024891, 2),  # 0x80070005
    (1053, 2),
    (112, 1),
    (-2147467259, 1),  # 0x80004005
    (1789, 1),
]
_DATE = "%m/%d/%Y %H:%M:%S"
PREFIXES = ["WKS", "PC", "LAPTOP", "SALES", "HR", "FIN", "LAB", "KIOSK", "SRV", "DEV"]
DOMAINS = ["CORP", "EMEA", "LAB", "CORP", "CORP"]


def request_bytes(rng: random.Random, index: int, now: datetime) -> tuple[str, bytes]:
    """One file: (file name, bytes)."""
    numeric = rng.random() < 0.3  # ConfigMgr 2012+ names retry files by ResourceID
    machine = f"{rng.choice(PREFIXES)}-{index:06d}"
    file_name = f"{2097152000 + index}.ccr" if numeric else f"{machine}.ccr"
    roll = rng.random()
    if roll < 0.002:
        return file_name, b""
    if roll < 0.004:
        return file_name, bytes(rng.randrange(256) for _ in range(300))
    ips = [f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"]
    if rng.random() < 0.2:
        ips.append(f"192.168.{rng.randrange(256)}.{index % 250 + 1}")
    age = timedelta(hours=rng.uniform(0.5, 180))  # a few past the 7-day window
    initial = now - age
    attempts = max(1, int(age.total_seconds() // 3600))
    latest = initial + timedelta(hours=attempts - 1, minutes=rng.randrange(60))
    error = rng.choices([c for c, _ in ERRORS], weights=[w for _, w in ERRORS])[0]
    eq = " = " if rng.random() < 0.05 else "="
    indent = "  " if rng.random() < 0.05 else ""
    head = [
        "[NT Client Configuration Request]",
        f"{indent}Machine Name{eq}{machine}" if roll >= 0.005 else f"{indent}Domain=CORP",
        f"{indent}Domain{eq}{rng.choice(DOMAINS)}",
    ]
    head += [f"{indent}IP Address {i}{eq}{ip}" for i, ip in enumerate(ips, 1)]
    head.append(f"{indent}Initial Request Date{eq}{initial.strftime(_DATE)}")
    lines = [*head, "", "[IP Address ]"]
    lines += [f"IP Address {i}={ip}" for i, ip in enumerate(ips, 1)]
    lines += ["", "[Resource Names ]", f"Resource Names 1={machine}", "", "[Request Processing]"]
    lines += [
        f"Latest Processing Attempt={latest.strftime(_DATE)}",
        f"Last Error Code={error}",
        f"Number of Processing Attempts={attempts}",
        f"Error Event Created={(initial + timedelta(hours=1)).strftime(_DATE)}",
        "",
        "[IDENT]",
        "TYPE=Client Config Request File",
        "",
    ]
    newline = "\n" if rng.random() < 0.1 else "\r\n"
    text = newline.join(lines)
    if rng.random() < 0.02:
        return file_name, text.encode("utf-16")  # with a BOM
    return file_name, text.encode("cp1252")


def generate(folder: str | os.PathLike[str], count: int, seed: int = 1) -> list[Path]:
    """Write ``count`` request files into ``folder`` (created); returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    now = datetime.now().replace(microsecond=0)
    paths = []
    for i in range(count):
        name, data = request_bytes(rng, i, now)
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.folder, args.count, args.seed)
    print(f"wrote {len(paths)} files into {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
