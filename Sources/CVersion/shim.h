// The version `vanityns --version` prints. `make` links in an object that defines vanityns_version_stamp (from
// `git describe`, or the VERSION file of a source tarball; see scripts/version.sh). A plain `swift build` links none:
// the weak reference is then null and the version is 0.0.0-dev. Stamping at link time means a new version relinks
// the executable instead of recompiling every module, as a -D flag given to all targets would.
#ifndef VANITYNS_CVERSION_SHIM_H
#define VANITYNS_CVERSION_SHIM_H

extern const char vanityns_version_stamp[] __attribute__((weak));

static inline const char *vns_version(void) {
    return vanityns_version_stamp ? vanityns_version_stamp : "0.0.0-dev";
}
#endif
