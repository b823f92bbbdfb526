package dev.pier.server.ssh;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.EdgeStatus;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import dev.pier.server.content.Release;
import dev.pier.server.content.ReleaseService;
import dev.pier.server.content.Uploads;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteDeleted;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteUrls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.eclipse.jgit.errors.TooLargePackException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * git over Pier's SSH server: {@code git push ssh://USER@HOST:2222/SITE.git main} keeps the push in the site's
 * repository ({@code DATA-DIR/git/SITE.git}) and publishes the pushed tree of {@code main} (or {@code master})
 * through the same pipeline as an upload; a tree the pipeline refuses is refused to the pusher with the reason,
 * and the branch and the site stay as they were. Other branches and tags are refused: only what is published is
 * kept. {@code git clone} and {@code fetch} read the same repository.
 * Every other command is refused.
 */
@Component
class GitPush implements CommandFactory {

  private static final Logger log = LoggerFactory.getLogger(GitPush.class);
  private static final Pattern COMMAND = Pattern.compile("(git-receive-pack|git-upload-pack) '/?([a-z0-9][a-z0-9-]{0,62}?)(?:\\.git)?/?'");
  static final List<String> PUBLISHING_BRANCHES = List.of(Constants.R_HEADS + "main", Constants.R_HEADS + "master");

  private final Path reposDir;
  private final SiteService sites;
  private final ReleaseService releases;
  private final SiteUrls urls;
  private final EdgeStatus edge;
  private final SshCallers callers;
  private final Uploads uploads;
  private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();

  GitPush(PierProperties props, SiteService sites, ReleaseService releases, SiteUrls urls, EdgeStatus edge, SshCallers callers,
      Uploads uploads) {
    this.callers = callers;
    this.uploads = uploads;
    this.reposDir = props.dataDir().resolve("git");
    this.sites = sites;
    this.releases = releases;
    this.urls = urls;
    this.edge = edge;
  }

  @Override
  public Command createCommand(ChannelSession channel, String command) {
    Matcher m = COMMAND.matcher(command.strip());
    if (!m.matches()) {
      return new Refusal("Pier's SSH server takes sftp, git push and git clone only, not \"" + command.strip() + "\"\n");
    }
    return new GitCommand(m.group(1).equals("git-receive-pack"), m.group(2));
  }

  @EventListener
  void siteDeleted(SiteDeleted deleted) {
    MoreFiles.renameThenDelete(reposDir.resolve(deleted.name().value() + ".git"));
  }

  private Repository repository(Site site) throws IOException {
    Path dir = reposDir.resolve(site.name().value() + ".git");
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!Files.exists(dir.resolve("HEAD"))) {
      Files.createDirectories(reposDir);
      repo.create(true);
      repo.updateRef(Constants.HEAD).link(Constants.R_HEADS + "main");
    }
    return repo;
  }

  /** One git command on one site, run on a thread of its own. */
  private final class GitCommand extends Streams {
    private final boolean receive;
    private final String site;

    GitCommand(boolean receive, String site) {
      this.receive = receive;
      this.site = site;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Caller caller = callers.of(channel.getSession());
      runner.execute(() -> {
        Thread.currentThread().setContextClassLoader(GitPush.class.getClassLoader());
        int status = 0;
        try {
          Site s = sites.get(caller, site);
          try (Repository repo = repository(s)) {
            if (receive) {
              // A push is an upload: the site's turn, no larger than its body limit, and room on Pier's disk for it.
              long limit = s.web().bodyLimit();
              try (Uploads.Spooled turn = uploads.turn(s, "git", limit)) {
                ReceivePack rp = new ReceivePack(repo);
                rp.setAllowNonFastForwards(true);
                rp.setMaxPackSizeLimit(limit);
                rp.setPreReceiveHook((pack, commands) -> publish(caller, s, repo, pack, commands));
                rp.receive(in, out, err);
              }
            } else {
              new UploadPack(repo).upload(in, out, err);
            }
          }
        } catch (TooLargePackException e) {
          status = 1;
          say(err, "pier: the push is larger than the site's body limit: " + e.getMessage() + "\n");
        } catch (PierException e) {
          status = 1;
          say(err, "pier: " + e.getMessage() + "\n");
        } catch (Exception e) {
          status = 1;
          String id = ErrorIds.logged("git on site " + site + " for " + caller.user(), e); // its text may name host paths
          say(err, "pier: git failed (error " + id + "; an administrator can find it in Pier's log)\n");
        } finally {
          flush(out);
          flush(err);
          exit.onExit(status);
        }
      });
    }

  }

  /** Publishes the tree of a pushed main branch; refuses the update, with the reason, if the publish fails. */
  private void publish(Caller caller, Site s, Repository repo, ReceivePack pack, Collection<ReceiveCommand> commands) {
    for (ReceiveCommand cmd : commands) {
      if (!PUBLISHING_BRANCHES.contains(cmd.getRefName())) {
        // Only what is published is kept: a repository is no place to store other branches and tags on Pier's disk.
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "only main (or master) is taken: pushing it publishes the site");
        continue;
      }
      if (cmd.getType() == ReceiveCommand.Type.DELETE) {
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "the published branch is not deleted: push another tree to it");
        continue;
      }
      try {
        Release r = releases.publish(caller, s.name().value(), new GitTree(repo, cmd.getNewId()), "git");
        pack.sendMessage("Published release " + r.id() + " of " + s.name() + " (" + r.files() + " files, " + r.bytes() + " bytes): "
            + urls.of(s.name().value(), edge.httpPort()));
      } catch (PierException e) {
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "not published: " + e.getMessage());
        pack.sendError("Not published: " + e.getMessage() + ". The site and the branch stay as they were.");
      } catch (RuntimeException e) {
        log.warn("publishing a push to site {} failed", s.name(), e);
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "not published: " + e.getMessage());
      }
    }
  }

  private static void say(OutputStream err, String message) {
    try {
      err.write(message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  private static void flush(OutputStream s) {
    try {
      if (s != null) {
        s.flush();
      }
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  /** A command's streams and exit callback, as the SSH server hands them over. */
  private abstract static class Streams implements Command {
    InputStream in;
    OutputStream out;
    OutputStream err;
    ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void destroy(ChannelSession channel) {
      // a command ends with its streams
    }
  }

  /** A command refused with a message and exit status 1. */
  private static final class Refusal extends Streams {
    private final String message;

    Refusal(String message) {
      this.message = message;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      say(err, message);
      flush(err);
      exit.onExit(1, message.strip());
    }
  }
}
