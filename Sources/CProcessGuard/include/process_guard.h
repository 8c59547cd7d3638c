// Starting child programs the way a shell or the AWS SDKs start them, and ending them with vanityns.
//
// vanityns's own threads run with signals blocked (libdispatch workers block almost all of them) and the wizard
// ignores SIGINT, SIGTERM and SIGHUP; a child started with fork/exec or Foundation's Process inherits both, so a
// helper such as a credential_process could not be stopped. vns_spawn starts it with an empty mask and every signal
// at its default action, and registers it; the guard ends every registered child when vanityns ends (exit, or a
// SIGINT, SIGTERM or SIGHUP that would end it).
#ifndef VNS_PROCESS_GUARD_H
#define VNS_PROCESS_GUARD_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (both NULL-terminated): an empty signal mask, default dispositions,
/// descriptors 0-2 from `in_fd`, `out_fd`, `err_fd` and every other descriptor closed. The child stays in the
/// caller's process group (a terminal's Ctrl-C reaches both), unless `new_session` is set: then it runs in a session
/// of its own with no controlling terminal (it cannot read or draw on the terminal a full-screen program owns).
/// The child is registered with the guard. Returns 0 with `*pid` set, or an errno value.
int vns_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd,
              int new_session, pid_t *pid);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no other child inherits (pipe2 is a GNU extension Swift cannot see).
int vns_pipe_cloexec(int fds[2]);

/// Takes a child out of the guard once it has been waited for.
void vns_guard_forget(pid_t pid);

/// Ends `root` and every process below it: SIGTERM, up to `grace_ms` for them to go, then SIGKILL. Does not reap.
void vns_end_tree(pid_t root, int grace_ms);

/// Ends every registered child with the processes below it, as vns_end_tree does. Safe in a signal handler.
void vns_guard_end_all(int grace_ms);

/// Nonzero while the guard handles a SIGINT, SIGTERM or SIGHUP that ends vanityns: a thread that sees its child
/// end then must not report that as the child's failure (the process is about to die of the signal).
int vns_guard_dying(void);

#endif
