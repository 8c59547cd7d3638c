# Release build, install and .deb (included by the Makefile).
# The release build links the Swift runtime statically: the binary needs only Debian's shared libraries.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads vendor-completions under /usr; under any other prefix it reads site-functions.
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
# /etc for PREFIX=/usr (the .deb), else PREFIX/etc. The watch service's units go where systemd looks for packages'.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

RELEASE_DIR := .build-release
# From git describe (scripts/version.sh); `make deb VERSION=1.2.0` overrides it.
VERSION := $(shell scripts/version.sh)
# One object per version: a new version changes the link command, so SwiftPM relinks (and compiles nothing).
STAMP := $(RELEASE_DIR)/stamp/version-$(VERSION).o
# No $$ORIGIN runpath: an installed binary must not load libraries from the folder it sits in.
RELEASE_FLAGS := -c release --static-swift-stdlib --disable-local-rpath --scratch-path $(RELEASE_DIR) \
  -Xlinker $(abspath $(STAMP))
RELEASE_BIN := $(RELEASE_DIR)/release/vanityns
GENERATED := $(RELEASE_DIR)/share
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB := dist/vanityns_$(shell scripts/version.sh --debian '$(VERSION)')_$(DEB_ARCH).deb

# What `install` puts where; `uninstall` removes exactly these.
INSTALLED := $(BINDIR)/vanityns $(MANDIR)/man1/vanityns.1 $(BASHCOMPDIR)/vanityns $(ZSHCOMPDIR)/_vanityns \
  $(FISHCOMPDIR)/vanityns.fish $(UNITDIR)/vanityns-watch.service $(UNITDIR)/vanityns-watch.timer
# watch.conf is not among them: uninstall leaves the operator's edited configuration.

$(STAMP):
	@mkdir -p $(@D) && rm -f $(@D)/version-*.o
	printf 'const char vanityns_version_stamp[] = "%s";\n' '$(VERSION)' | cc -x c -c -o $@ -

## release: the static-runtime binary, its man page and completions (in .build-release/)
release: deps $(STAMP)
	swift build $(RELEASE_FLAGS) --product vanityns
	swift build $(RELEASE_FLAGS) --product generate-manual
	bash scripts/generate-docs.sh $(RELEASE_BIN) $(RELEASE_DIR)/release/generate-manual $(GENERATED)

## install: PREFIX=/usr/local by default; DESTDIR for staging
install: release
	install -D -s -m 755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/vanityns
	install -D -m 644 $(GENERATED)/vanityns.1 $(DESTDIR)$(MANDIR)/man1/vanityns.1
	install -D -m 644 $(GENERATED)/vanityns.bash $(DESTDIR)$(BASHCOMPDIR)/vanityns
	install -D -m 644 $(GENERATED)/_vanityns $(DESTDIR)$(ZSHCOMPDIR)/_vanityns
	install -D -m 644 $(GENERATED)/vanityns.fish $(DESTDIR)$(FISHCOMPDIR)/vanityns.fish
	install -d -m 755 $(DESTDIR)$(UNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/vanityns-watch.service.in \
	  >$(DESTDIR)$(UNITDIR)/vanityns-watch.service && chmod 644 $(DESTDIR)$(UNITDIR)/vanityns-watch.service
	install -m 644 packaging/vanityns-watch.timer $(DESTDIR)$(UNITDIR)/vanityns-watch.timer
	[ -e $(DESTDIR)$(SYSCONFDIR)/vanityns/watch.conf ] || install -D -m 644 packaging/watch.conf $(DESTDIR)$(SYSCONFDIR)/vanityns/watch.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

## deb: dist/vanityns_VERSION_ARCH.deb (scripts/make-deb.sh stages it with `make install`, which builds)
deb: deps
	MAKE="$(MAKE)" bash scripts/make-deb.sh $(DEB) '$(VERSION)'
