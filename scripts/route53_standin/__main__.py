"""`python3 -m route53_standin PORT UPSTREAM_URL ...` (see server.py)."""
from .server import main

main()
