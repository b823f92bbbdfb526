package dev.pier.server.ssh;

import dev.pier.engine.content.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** The tree of one commit as content to publish: its files at the commit's time; links and submodules as they are. */
final class GitTree implements ContentSource {

  private final Repository repo;
  private final ObjectId commit;

  GitTree(Repository repo, ObjectId commit) {
    this.repo = repo;
    this.commit = commit;
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit c = walk.parseCommit(commit);
      long time = c.getCommitTime() * 1000L;
      tree.addTree(c.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        FileMode mode = tree.getFileMode(0);
        Kind kind = mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE ? Kind.FILE
            : mode == FileMode.SYMLINK ? Kind.SYMLINK : Kind.SPECIAL;
        int bits = mode == FileMode.EXECUTABLE_FILE ? 0755 : 0644;
        if (kind != Kind.FILE) {
          sink.accept(new Entry(tree.getPathString(), kind, bits, time), InputStream.nullInputStream());
          continue;
        }
        try (InputStream in = repo.open(tree.getObjectId(0)).openStream()) {
          sink.accept(new Entry(tree.getPathString(), kind, bits, time), in);
        }
      }
    }
  }
}
