package dev.pier.engine.container;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * How Pier learns a site's exit status although the container outlives any Pier process: tini runs this small
 * shell script, which runs the site's server, passes stop signals on, and writes the server's exit status to
 * {@link #STATUS_FILE} in the container's root, which lies on the site's own disk. The engine reads it once the
 * container has gone and removes it at each start. (A site can write that file itself: it only misleads its own
 * owner.) The script is bind-mounted read-only and run by the image's {@code /bin/sh} (busybox or dash).
 */
public final class ExitRecorder {

  /** Where the script is mounted in every container. */
  public static final String SCRIPT_PATH = "/.pier-run";
  /** Where the script writes the exit status, relative to the container's root. */
  public static final String STATUS_FILE = ".pier-exit";

  public static final String SCRIPT = """
      #!/bin/sh
      # Written by Pier: runs the site's server, passes SIGTERM, SIGINT and SIGHUP on to it, and records how it ended.
      server=
      stop=
      # Set before the server starts, so a stop in between is not lost: it is passed on once the server is there.
      trap 'stop=TERM; [ -n "$server" ] && kill -TERM "$server" 2>/dev/null' TERM
      trap 'stop=INT; [ -n "$server" ] && kill -INT "$server" 2>/dev/null' INT
      trap '[ -n "$server" ] && kill -HUP "$server" 2>/dev/null' HUP
      "$@" &
      server=$!
      [ -n "$stop" ] && kill -"$stop" "$server" 2>/dev/null
      while :; do
        wait "$server"
        status=$?
        # wait also returns when a trapped signal arrives: go on waiting while the server lives.
        kill -0 "$server" 2>/dev/null || break
      done
      echo "$status" > /%s
      exit "$status"
      """.formatted(STATUS_FILE);

  private ExitRecorder() {}

  /** The container's argument list: the image's command, run by the script. */
  public static List<String> wrap(List<String> command) {
    List<String> args = new ArrayList<>(List.of("/bin/sh", SCRIPT_PATH));
    args.addAll(command);
    return args;
  }

  /** The status the script wrote, if the text is one (0 to 255). */
  public static OptionalInt parse(String text) {
    String t = text.strip();
    if (!t.matches("[0-9]{1,3}")) {
      return OptionalInt.empty();
    }
    int v = Integer.parseInt(t);
    return v <= 255 ? OptionalInt.of(v) : OptionalInt.empty();
  }

  /** "exited with status 3", or "killed by signal 9" for statuses above 128 (the shell's way to tell a signal). */
  public static String describe(int status) {
    return status > 128 && status < 160 ? "killed by signal " + (status - 128) : "exited with status " + status;
  }
}
