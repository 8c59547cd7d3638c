# vanityns: `make test` installs what is missing, builds and runs every test; `make sandbox` opens the wizard
# against a local seeded Route 53 stand-in; `make install` / `make deb` ship the release build.
SHELL := /bin/bash
# zsh, fish and man-db: the package test loads the completions and renders the man page; dpkg-dev: dpkg-shlibdeps
# for the .deb's Depends; lintian: `make deb` fails on lintian errors; openssl: the CA-bundle test makes its own
# certificate (the sign-in stubs verify DPoP proofs with Python's cryptography, which moto brings); bind9-utils:
# named-checkzone checks `export --format bind`; prometheus: promtool checks watch's metrics file; systemd:
# systemd-analyze verifies the watch units of the .deb; libc-ares-dev: c-ares, the event loop every DNS question goes
# through (Sources/CCares, Sources/Resolver/CAresTransport.swift); bind9-dnsutils: delv validates the DNSSEC chain the
# dnssec tests build (ldnsutils' ldns-signzone signs the data plane's zones). pip: octodns and octodns-route53 check
# `export --format octodns` (octodns-validate, and octodns-dump through octoDNS's own Route 53 provider), python-hcl2
# parses the Terraform.
APT_PACKAGES := libncurses-dev libcurl4-openssl-dev libxml2-dev libldns-dev libidn2-dev libc-ares-dev pkg-config tmux nsd ldnsutils python3-pil fonts-dejavu-core \
  zsh fish man-db dpkg-dev lintian openssl bind9-utils bind9-dnsutils prometheus systemd
PIP_PACKAGES := moto[server]==5.2.1 boto3 awscli octodns==1.22.0 octodns-route53==1.3.1 python-hcl2==8.1.4
SWIFT_FLAGS ?=
# Seconds per fuzz target: `make fuzz` (FUZZ_SECONDS) and the short pass in `make test`.
FUZZ_SECONDS ?= 60
FUZZ_CI_SECONDS ?= 4

.PHONY: all deps build test test-build fuzz fuzz-build sandbox screenshots bench clean release install uninstall deb

all: build

## deps: install missing apt and pip packages (idempotent; quick when all are present)
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@python3 -c 'import moto, boto3, flask_cors, octodns_route53, hcl2; assert moto.__version__ == "5.2.1"' 2>/dev/null && command -v moto_server >/dev/null \
	  && command -v aws >/dev/null && command -v octodns-validate >/dev/null \
	  || { echo "installing pip packages: $(PIP_PACKAGES)"; python3 -m pip install -q $(foreach p,$(PIP_PACKAGES),"$(p)"); }

build: deps
	swift build $(SWIFT_FLAGS)

# The three builds (debug with the tests, the release build of the .deb, the fuzz targets with sanitizers) each have
# a build folder of their own (.build, .build-release, .build-fuzz), so they run side by side: optimised Swift
# compiles a module on one core, and the debug build fills what the two release builds leave idle.
# The short fuzz pass (FUZZ_CI_SECONDS per target) comes next: a finding fails the run before the long suite. It runs
# the targets built at -Onone (FUZZ_OPTIMIZE=0: less than half the CPU of the optimised build `make fuzz` uses).
# The tests run in TEST_JOBS processes side by side (scripts/test-shards.py): the suites that measure time first and
# alone, then the rest, the slowest first; most of the suite waits on its stand-ins, not on the CPU.
# The package test (Tests/CLITests/PackageTests.swift) checks the .deb that `deb` builds; VANITYNS_DEB tells it where.
TEST_JOBS ?= 3
test: deps
	$(MAKE) --no-print-directory -j3 test-build deb fuzz-build
	FUZZ_OPTIMIZE=0 FUZZ_SECONDS=$(FUZZ_CI_SECONDS) bash scripts/fuzz.sh
	VANITYNS_DEB=$(abspath $(DEB)) python3 scripts/test-shards.py --jobs $(TEST_JOBS) --swift-flags "$(SWIFT_FLAGS)" 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

## test-build: the debug build with the test targets (what `make test` runs the suite on)
test-build: deps
	swift build --build-tests $(SWIFT_FLAGS)

## fuzz: each libFuzzer target (Fuzz/) for FUZZ_SECONDS from its seeds; prints executions and coverage per target
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

## fuzz-build: the libFuzzer targets built unoptimised, not run (make test builds them beside the release build)
fuzz-build: deps
	FUZZ_OPTIMIZE=0 FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh

include install.mk

sandbox: build
	bash scripts/sandbox.sh

screenshots: build
	bash scripts/screenshots.sh

bench: build
	bash scripts/bench.sh

clean:
	rm -rf .build .build-fuzz .build-fuzz-onone $(RELEASE_DIR) dist
