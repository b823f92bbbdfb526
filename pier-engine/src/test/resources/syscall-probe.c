/*
 * What a tenant's program gets from the kernel for calls Pier's seccomp profile refuses: each named call is made with
 * harmless arguments and its name is printed with the errno it failed with, or 0 if it succeeded. Built static with gcc
 * by the test, so that it runs in any site whatever its image. It refuses to run anywhere but inside a site.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long probe(const char *name) {
  if (!strcmp(name, "io_uring_setup")) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    return syscall(SYS_io_uring_setup, 4, &p);
  }
  if (!strcmp(name, "userfaultfd")) return syscall(SYS_userfaultfd, 0);
  if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
  if (!strcmp(name, "bpf")) return syscall(SYS_bpf, 0, NULL, 0);
  if (!strcmp(name, "perf_event_open")) return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
  if (!strcmp(name, "mount")) return mount("none", "/tmp", "tmpfs", 0, NULL);
  if (!strcmp(name, "unshare")) return unshare(CLONE_NEWUSER);
  if (!strcmp(name, "setns")) return setns(open("/proc/self/ns/uts", O_RDONLY), 0);
  if (!strcmp(name, "clone_newuser")) {
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    return pid < 0 ? -1 : 0;
  }
  if (!strcmp(name, "ptrace")) return syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
  if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
  if (!strcmp(name, "init_module")) return syscall(SYS_init_module, NULL, 0, "");
  if (!strcmp(name, "clock_settime")) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return clock_settime(CLOCK_REALTIME, &ts);
  }
  if (!strcmp(name, "settimeofday")) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return settimeofday(&tv, NULL);
  }
  if (!strcmp(name, "personality_read_implies_exec")) return personality(READ_IMPLIES_EXEC);
  if (!strcmp(name, "personality_query")) return personality(0xffffffff) < 0 ? -1 : 0;
  if (!strcmp(name, "fork")) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    return pid < 0 ? -1 : 0;
  }
  errno = EINVAL;
  return -1;
}

int main(int argc, char **argv) {
  /* As root on a host, these calls would change the host: run inside a site only, where tini is PID 1. */
  char init[64] = {0};
  if (readlink("/proc/1/exe", init, sizeof init - 1) < 0 || strcmp(init, "/sbin/tini") != 0) {
    fprintf(stderr, "syscall-probe: not inside a site (PID 1 is not /sbin/tini): refusing to run\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = probe(argv[i]);
    printf("%s=%d\n", argv[i], r < 0 ? errno : 0);
  }
  return 0;
}
