package dev.pier.engine.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seccomp profile every site runs under: system calls a web site never needs and that widen the kernel's
 * attack surface or reach outside the container fail with EPERM (mounting, new namespaces, keyrings, BPF,
 * performance counters, kernel modules and kexec, tracing other processes, clocks, swap, reboot). Everything
 * else is allowed. {@code clone3} answers ENOSYS, so that C libraries fall back to {@code clone}, whose flags
 * can be checked: a new user namespace is refused. Pure.
 */
public final class Seccomp {

  static final List<String> DENIED = List.of(
      "mount", "umount", "umount2", "pivot_root", "chroot", "unshare", "setns",
      "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
      "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
      "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
      "swapon", "swapoff", "reboot", "acct", "quotactl", "syslog", "lookup_dcookie",
      "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime",
      "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "vhangup", "nfsservctl");

  /** CLONE_NEWUSER from linux/sched.h. */
  static final long CLONE_NEWUSER = 0x10000000L;
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  private Seccomp() {}

  /** The OCI {@code linux.seccomp} object for the given Java {@code os.arch}. */
  public static Map<String, Object> profile(String osArch) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("defaultAction", "SCMP_ACT_ALLOW");
    p.put("architectures", architectures(osArch));
    p.put("syscalls", List.of(
        Map.of("names", DENIED, "action", "SCMP_ACT_ERRNO", "errnoRet", EPERM),
        Map.of("names", List.of("clone3"), "action", "SCMP_ACT_ERRNO", "errnoRet", ENOSYS),
        Map.of("names", List.of("clone"), "action", "SCMP_ACT_ERRNO", "errnoRet", EPERM,
            "args", List.of(Map.of("index", osArch.equals("s390x") ? 1 : 0, "value", CLONE_NEWUSER, "valueTwo", CLONE_NEWUSER,
                "op", "SCMP_CMP_MASKED_EQ")))));
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
