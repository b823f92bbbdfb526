package dev.pier.server.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.EdgeServer;
import dev.pier.engine.container.SiteEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shape of the code itself: packages that form no cycle (by jdeps, over all three modules) and short main files. */
class CodeShapeTest {

  static final int MAX_LINES = 400;
  private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.pier\\.[\\w.]+)\\s+->\\s+(dev\\.pier\\.[\\w.]+)\\s");

  private static Path classes(Class<?> of) throws URISyntaxException {
    return Path.of(of.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Package to packages it uses, as jdeps reads them from the compiled classes. */
  static Map<String, Set<String>> packageGraph(List<Path> classDirs) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none", "-e", "dev\\.pier\\..*"));
    classDirs.forEach(d -> args.add(d.toString()));
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
    assertThat(status).as(out.toString()).isZero();
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    return graph;
  }

  /** Every cycle's packages (Tarjan's strongly connected components of more than one package). */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> found = new ArrayList<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, found);
      }
    }
    return found;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
      Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(component);
      }
    }
  }

  @Test
  void theCycleFinderFindsACycle() {
    assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"))))
        .containsExactly(Set.of("a", "b", "c"));
    assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c")))).isEmpty();
  }

  @Test
  void noPackageCycleInAnyModule() throws Exception {
    Map<String, Set<String>> graph = packageGraph(List.of(classes(SiteEngine.class), classes(EdgeServer.class), classes(CodeShapeTest.class)
        .resolveSibling("classes")));
    assertThat(graph).as("jdeps found the packages").containsKeys("dev.pier.server.site", "dev.pier.engine.container");
    assertThat(cycles(graph)).as("package cycles").isEmpty();
  }

  @Test
  void noMainSourceFileIsOver400Lines() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> long_ = new ArrayList<>();
    for (String module : List.of("pier-engine", "pier-edge", "pier-server")) {
      try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          long lines;
          try (Stream<String> l = Files.lines(f)) {
            lines = l.count();
          }
          if (lines > MAX_LINES) {
            long_.add(root.relativize(f) + ": " + lines + " lines");
          }
        }
      }
    }
    assertThat(long_).as("main files over " + MAX_LINES + " lines").isEmpty();
  }
}
