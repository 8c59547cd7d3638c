// See include/process_guard.h.
#define _GNU_SOURCE
#include "process_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

// Registered children: a fixed table of atomics, so the signal handler can read it without a lock.
#define VNS_GUARD_SLOTS 64
static _Atomic pid_t guarded[VNS_GUARD_SLOTS];
static atomic_flag installed = ATOMIC_FLAG_INIT;
// Set while a fatal signal is being handled: the process is about to die of it.
static atomic_int dying;
// Spawns between posix_spawn and registration: a child exists that the table does not hold yet.
static atomic_int spawning;

int vns_guard_dying(void) { return atomic_load(&dying); }
// What the guard replaced, per signal, to hand the signal on to once the children are ended.
static struct sigaction previous[NSIG];

int vns_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static void guard_add(pid_t pid) {
    for (int i = 0; i < VNS_GUARD_SLOTS; i++) {
        pid_t expected = 0;
        if (atomic_compare_exchange_strong(&guarded[i], &expected, pid)) return;
    }
    // A full table: the child runs unguarded (64 helpers at once is far beyond any use of vanityns).
}

void vns_guard_forget(pid_t pid) {
    for (int i = 0; i < VNS_GUARD_SLOTS; i++) {
        pid_t expected = pid;
        if (atomic_compare_exchange_strong(&guarded[i], &expected, 0)) return;
    }
}

// Everything below uses only open, read, close, kill and nanosleep, so it is safe in a signal handler.

// Writes "/proc/PID" + tail into `out` (snprintf is not safe in a signal handler).
static void proc_path(char *out, pid_t pid, const char *tail) {
    char digits[16]; int n = 0;
    long v = pid;
    do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v > 0 && n < 15);
    memcpy(out, "/proc/", 6); out += 6;
    while (n > 0) *out++ = digits[--n];
    while (*tail) *out++ = *tail++;
    *out = 0;
}

// True while `pid` exists and is not a zombie (its state in /proc/PID/stat is neither Z nor X).
static int is_running(pid_t pid) {
    char path[64], buf[512];
    proc_path(path, pid, "/stat");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *paren = strrchr(buf, ')');  // the state follows the command name, which may hold spaces
    if (!paren || paren[1] != ' ') return 0;
    return paren[2] != 'Z' && paren[2] != 'X';
}

// Appends `root` and its descendants (through /proc/PID/task/PID/children, breadth first) to out[*count...max).
static void collect_tree(pid_t root, pid_t *out, int *count, int max) {
    if (*count >= max) return;
    int first = *count;
    out[(*count)++] = root;
    for (int i = first; i < *count; i++) {
        char path[96], buf[4096], tail[48] = "/task/";
        proc_path(path, out[i], "");  // "/proc/PID", then "/task/PID/children" after it
        char *t = tail + 6;
        for (const char *c = path + 6; *c; c++) *t++ = *c;
        memcpy(t, "/children", 10);
        proc_path(path, out[i], tail);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) continue;
        buf[n] = 0;
        long value = 0; int digits = 0;
        for (char *c = buf; ; c++) {
            if (*c >= '0' && *c <= '9') { value = value * 10 + (*c - '0'); digits = 1; continue; }
            if (digits && *count < max) out[(*count)++] = (pid_t)value;
            value = 0; digits = 0;
            if (!*c) break;
        }
    }
}

// SIGTERM to every process of `pids`, up to `grace_ms` for them to go, then SIGKILL to those still running.
static void end_processes(const pid_t *pids, int count, int grace_ms) {
    for (int i = 0; i < count; i++) kill(pids[i], SIGTERM);
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int waited = 0; waited < grace_ms; waited += 20) {
        int running = 0;
        for (int i = 0; i < count && !running; i++) running = is_running(pids[i]);
        if (!running) return;
        nanosleep(&tick, NULL);
    }
    for (int i = 0; i < count; i++) if (is_running(pids[i])) kill(pids[i], SIGKILL);
}

#define VNS_TREE_MAX 512

void vns_end_tree(pid_t root, int grace_ms) {
    pid_t pids[VNS_TREE_MAX];
    int count = 0;
    collect_tree(root, pids, &count, VNS_TREE_MAX);
    end_processes(pids, count, grace_ms);
}

void vns_guard_end_all(int grace_ms) {
    static pid_t pids[VNS_TREE_MAX];  // static: a signal handler's stack may be small
    int count = 0;
    // A child started a moment ago may not be in the table yet (its spawn runs on another thread): wait for it.
    struct timespec ms = {0, 1000 * 1000};
    for (int waited = 0; waited < 200 && atomic_load(&spawning) > 0; waited++) nanosleep(&ms, NULL);
    for (int i = 0; i < VNS_GUARD_SLOTS; i++) {
        pid_t pid = atomic_load(&guarded[i]);
        if (pid > 0 && is_running(pid)) collect_tree(pid, pids, &count, VNS_TREE_MAX);
    }
    if (count > 0) end_processes(pids, count, grace_ms);
}

static void on_exit_end_children(void) { vns_guard_end_all(200); }

// SIGINT, SIGTERM or SIGHUP while vanityns had them at their default action (it was about to die): end the children,
// then die of the same signal.
static void on_fatal_signal(int sig) {
    int saved = errno;
    atomic_store(&dying, 1);
    vns_guard_end_all(500);
    sigaction(sig, &previous[sig], NULL);
    // The thread may run this handler inside a wait that unblocked the signal for the moment (Swift's main thread
    // does), so a signal raised for after the handler would stay blocked: unblock it here, where it ends the process.
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    raise(sig);
    pthread_sigmask(SIG_UNBLOCK, &only, NULL);
    _exit(128 + sig);  // not reached: the default action of SIGINT, SIGTERM and SIGHUP ends the process
    errno = saved;
}

// Installs the exit hook once, and the signal handler on each of SIGINT, SIGTERM and SIGHUP that is at its default
// action now. A signal the program handles or ignores itself (the wizard turns them into events and exits through
// exit(), which runs the exit hook) is left alone.
static void guard_install(void) {
    if (atomic_flag_test_and_set(&installed)) return;
    atexit(on_exit_end_children);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        int sig = signals[i];
        struct sigaction now;
        if (sigaction(sig, NULL, &now) != 0 || now.sa_handler != SIG_DFL) continue;
        struct sigaction handler = {0};
        handler.sa_handler = on_fatal_signal;
        sigemptyset(&handler.sa_mask);
        handler.sa_flags = SA_RESTART;
        previous[sig] = now;
        sigaction(sig, &handler, NULL);
    }
}

int vns_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd,
              int new_session, pid_t *pid) {
    guard_install();
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    int rc = posix_spawnattr_init(&attr);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) { posix_spawnattr_destroy(&attr); return rc; }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    // glibc's sigfillset leaves out its two internal signals (32 and 33, used by its threads), and its posix_spawn
    // then sets them to SIG_IGN in the child, which keeps them ignored across exec: a helper would start with
    // SigIgn 0000000180000000 where a shell's child has none. They go into the default set by hand (signal n is bit
    // n - 1 of the set's words), so the child starts with them at their default action like every other signal.
    for (int sig = 32; sig <= 33; sig++) {
        unsigned long *words = (unsigned long *)&all;
        words[(sig - 1) / (8 * sizeof(unsigned long))] |= 1UL << ((sig - 1) % (8 * sizeof(unsigned long)));
    }
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_session) flags |= POSIX_SPAWN_SETSID;
    if ((rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 && (rc = posix_spawnattr_setsigdefault(&attr, &all)) == 0
        && (rc = posix_spawnattr_setflags(&attr, flags)) == 0
        && (rc = posix_spawn_file_actions_adddup2(&actions, in_fd, 0)) == 0
        && (rc = posix_spawn_file_actions_adddup2(&actions, out_fd, 1)) == 0
        && (rc = posix_spawn_file_actions_adddup2(&actions, err_fd, 2)) == 0
        && (rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0) {
        // Block the guard's signals on this thread across spawn and registration, and count the spawn, so that a
        // handler running on another thread meanwhile waits for the child to be registered.
        sigset_t fatal, old;
        sigemptyset(&fatal);
        sigaddset(&fatal, SIGINT); sigaddset(&fatal, SIGTERM); sigaddset(&fatal, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &fatal, &old);
        atomic_fetch_add(&spawning, 1);
        rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
        if (rc == 0) guard_add(*pid);
        atomic_fetch_sub(&spawning, 1);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}
