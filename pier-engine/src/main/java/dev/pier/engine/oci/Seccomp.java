package dev.pier.engine.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seccomp profile every site runs under: an allow-list. A system call is allowed only if a web server, PHP, SQLite,
 * a shell and their tools use it ({@link #ALLOWED}, by purpose); any other fails with EPERM. Docker's default profile
 * was the reference; Pier's is narrower, as its containers run web sites only. Refused, among others: io_uring (its
 * operations escape the filter), userfaultfd, keyrings, BPF, performance counters, the mount family, new namespaces
 * and joining others, tracing other processes, kexec and kernel modules, setting clocks, swap, reboot. Two calls are
 * allowed for some arguments only: {@code clone} without a namespace flag, {@code personality} for the usual
 * execution domains only (no READ_IMPLIES_EXEC). {@code clone3}, whose flags seccomp cannot read, answers ENOSYS so
 * that C libraries fall back to {@code clone}. Pure.
 */
public final class Seccomp {

  /** What a site's programs may call, by purpose. */
  static final Map<String, List<String>> ALLOWED = groups(
      "files", List.of("read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
          "pwritev2", "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "_llseek", "stat", "fstat",
          "lstat", "newfstatat", "statx", "stat64", "fstat64", "lstat64", "fstatat64", "statfs", "fstatfs", "statfs64",
          "fstatfs64", "access", "faccessat", "faccessat2", "getdents", "getdents64", "readlink", "readlinkat", "rename",
          "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat", "mkdir", "mkdirat",
          "rmdir", "mknod", "mknodat", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "chown32",
          "fchown32", "lchown32", "truncate", "ftruncate", "truncate64", "ftruncate64", "fallocate", "fsync", "fdatasync",
          "sync", "syncfs", "sync_file_range", "flock", "fcntl", "fcntl64", "dup", "dup2", "dup3", "pipe", "pipe2",
          "getcwd", "chdir", "fchdir", "umask", "utime", "utimes", "utimensat", "futimesat", "fadvise64", "fadvise64_64",
          "readahead", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range", "getxattr", "lgetxattr",
          "fgetxattr", "listxattr", "llistxattr", "flistxattr", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
          "lremovexattr", "fremovexattr", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
          "memfd_create", "ioctl", "select", "_newselect", "pselect6", "poll", "ppoll", "epoll_create",
          "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "signalfd",
          "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_gettime", "io_setup", "io_destroy", "io_submit",
          "io_getevents", "io_pgetevents", "io_cancel"),
      "memory", List.of("brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "mlock", "mlock2",
          "munlock", "mlockall", "munlockall", "msync", "membarrier", "get_mempolicy", "set_mempolicy", "mbind",
          "remap_file_pages"),
      "processes", List.of("execve", "execveat", "fork", "vfork", "exit", "exit_group", "wait4", "waitid", "waitpid",
          "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "getuid", "geteuid",
          "getgid", "getegid", "getuid32", "geteuid32", "getgid32", "getegid32", "getresuid", "getresgid", "getresuid32",
          "getresgid32", "getgroups", "getgroups32", "setuid", "setgid", "setuid32", "setgid32", "setreuid", "setregid",
          "setreuid32", "setregid32", "setresuid", "setresgid", "setresuid32", "setresgid32", "setfsuid", "setfsgid",
          "setfsuid32", "setfsgid32", "setgroups", "setgroups32", "capget", "capset", "prctl", "arch_prctl",
          "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "futex", "futex_time64", "futex_waitv",
          "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "times", "getpriority", "setpriority",
          "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam",
          "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
          "sched_rr_get_interval", "sched_getattr", "sched_setattr", "ioprio_get", "ioprio_set", "uname", "sysinfo",
          "getcpu", "getrandom", "restart_syscall", "pidfd_open", "pidfd_send_signal", "set_thread_area",
          "get_thread_area"),
      "signals", List.of("kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
          "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
          "sigaltstack", "sigaction", "sigprocmask", "sigreturn", "sigsuspend", "signal", "pause", "alarm", "getitimer",
          "setitimer", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete"),
      "time", List.of("time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres", "clock_nanosleep",
          "clock_nanosleep_time64", "nanosleep"),
      "network", List.of("socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "shutdown",
          "getsockname", "getpeername", "getsockopt", "setsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg",
          "sendmmsg", "recvmmsg", "recvmmsg_time64", "socketcall"),
      "ipc", List.of("shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl", "msgget", "msgsnd",
          "msgrcv", "msgctl", "ipc", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify",
          "mq_getsetattr"));

  /** What the tests show refused, among everything not in {@link #ALLOWED}. */
  static final List<String> DENIED = List.of(
      "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd", "keyctl", "add_key", "request_key", "bpf",
      "perf_event_open", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsmount",
      "mount_setattr", "unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
      "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "settimeofday", "clock_settime",
      "clock_adjtime", "adjtimex", "swapon", "swapoff", "reboot", "acct", "quotactl", "syslog", "open_by_handle_at",
      "name_to_handle_at", "iopl", "ioperm", "vhangup", "lookup_dcookie", "uselib", "nfsservctl");

  /** Every namespace flag of clone(2), from linux/sched.h: a clone with any of them is refused. */
  static final long CLONE_NAMESPACES = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L | 0x10000000L
      | 0x20000000L | 0x40000000L;
  /** The execution domains personality(2) may set: Linux, 32-bit Linux, UNAME26 with each, and the query (-1). */
  static final List<Long> PERSONALITIES = List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  private Seccomp() {}

  private static Map<String, List<String>> groups(Object... nameAndCalls) {
    Map<String, List<String>> g = new LinkedHashMap<>();
    for (int i = 0; i < nameAndCalls.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> calls = (List<String>) nameAndCalls[i + 1];
      g.put((String) nameAndCalls[i], calls);
    }
    return g;
  }

  /** Every allowed call's name, once. */
  static List<String> allowed() {
    return ALLOWED.values().stream().flatMap(List::stream).distinct().toList();
  }

  /** The OCI {@code linux.seccomp} object for the given Java {@code os.arch}. */
  public static Map<String, Object> profile(String osArch) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("defaultAction", "SCMP_ACT_ERRNO");
    p.put("defaultErrnoRet", EPERM);
    p.put("architectures", architectures(osArch));
    int flagsArg = osArch.equals("s390x") ? 1 : 0;
    List<Map<String, Object>> rules = new ArrayList<>();
    rules.add(Map.of("names", allowed(), "action", "SCMP_ACT_ALLOW"));
    rules.add(Map.of("names", List.of("clone"), "action", "SCMP_ACT_ALLOW",
        "args", List.of(Map.of("index", flagsArg, "value", CLONE_NAMESPACES, "valueTwo", 0L, "op", "SCMP_CMP_MASKED_EQ"))));
    for (long domain : PERSONALITIES) {
      rules.add(Map.of("names", List.of("personality"), "action", "SCMP_ACT_ALLOW",
          "args", List.of(Map.of("index", 0, "value", domain, "op", "SCMP_CMP_EQ"))));
    }
    rules.add(Map.of("names", List.of("clone3"), "action", "SCMP_ACT_ERRNO", "errnoRet", ENOSYS));
    p.put("syscalls", rules);
    return p;
  }

  static List<String> architectures(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
      case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
      default -> List.of();
    };
  }
}
