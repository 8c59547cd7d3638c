#!/usr/bin/env python3
"""The Route 53 stand-in's launcher: moto behind a proxy that answers like Route 53 (the package route53_standin/,
one module per behaviour; its __init__ lists them).

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY] [--pending S] [--buckets] [--change-bucket CAP/RATE]
                        [--page-size N] [--limits zones-per-set=N,hosted-zones=N,sets=N]
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from route53_standin.server import main  # noqa: E402

main()
