package dev.pier.engine.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec while {@link SpecOpt}s build it: the parts Pier sets, each a plain field or list, rendered
 * to the JSON tree of {@code config.json} by {@link #toMap()} in the spec's own order. Not thread-safe; made,
 * filled and rendered in one go.
 */
public final class Spec {

  public final List<String> args = new ArrayList<>();
  public final List<String> env = new ArrayList<>();
  public String cwd = "/";
  public int uid;
  public int gid;
  public final List<String> capabilities = new ArrayList<>();
  public final List<Map<String, Object>> rlimits = new ArrayList<>();
  public boolean noNewPrivileges;
  public String rootPath;
  public boolean rootReadonly;
  public String hostname;
  public final List<Map<String, Object>> mounts = new ArrayList<>();
  public final List<Map<String, Object>> devices = new ArrayList<>();
  public final Map<String, Object> resources = new LinkedHashMap<>();
  public String cgroupsPath;
  public final List<Map<String, Object>> namespaces = new ArrayList<>();
  public final List<Map<String, Object>> uidMappings = new ArrayList<>();
  public final List<Map<String, Object>> gidMappings = new ArrayList<>();
  public Map<String, Object> seccomp;
  public final List<String> maskedPaths = new ArrayList<>();
  public final List<String> readonlyPaths = new ArrayList<>();

  /** A spec with every option applied in order. */
  public static Spec of(List<SpecOpt> opts) {
    Spec s = new Spec();
    opts.forEach(o -> o.apply(s));
    return s;
  }

  /** The spec as a JSON tree of maps and lists. */
  public Map<String, Object> toMap() {
    Map<String, Object> caps = new LinkedHashMap<>();
    for (String set : List.of("bounding", "effective", "permitted")) {
      caps.put(set, List.copyOf(capabilities));
    }
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("terminal", false);
    process.put("user", Map.of("uid", uid, "gid", gid));
    process.put("args", List.copyOf(args));
    process.put("env", List.copyOf(env));
    process.put("cwd", cwd);
    process.put("capabilities", caps);
    process.put("rlimits", List.copyOf(rlimits));
    process.put("noNewPrivileges", noNewPrivileges);

    Map<String, Object> res = new LinkedHashMap<>();
    res.put("devices", List.copyOf(devices));
    res.putAll(resources);

    Map<String, Object> linux = new LinkedHashMap<>();
    linux.put("resources", res);
    if (cgroupsPath != null) {
      linux.put("cgroupsPath", cgroupsPath);
    }
    linux.put("namespaces", List.copyOf(namespaces));
    if (!uidMappings.isEmpty()) {
      linux.put("uidMappings", List.copyOf(uidMappings));
      linux.put("gidMappings", List.copyOf(gidMappings));
    }
    if (seccomp != null) {
      linux.put("seccomp", seccomp);
    }
    linux.put("maskedPaths", List.copyOf(maskedPaths));
    linux.put("readonlyPaths", List.copyOf(readonlyPaths));

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("ociVersion", "1.0.2");
    spec.put("process", process);
    if (rootPath != null) {
      spec.put("root", Map.of("path", rootPath, "readonly", rootReadonly));
    }
    if (hostname != null) {
      spec.put("hostname", hostname);
    }
    spec.put("mounts", List.copyOf(mounts));
    spec.put("linux", linux);
    return spec;
  }
}
