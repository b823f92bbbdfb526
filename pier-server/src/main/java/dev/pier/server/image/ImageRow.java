package dev.pier.server.image;

import dev.pier.engine.image.ImageRecipe;
import dev.pier.engine.image.StaticImage;
import java.time.Instant;
import java.util.List;

/** An image as stored: its name, its package list (beyond Apache), who made it. */
public record ImageRow(String name, List<String> packages, boolean builtin, String createdBy, Instant createdAt) {

  public boolean isStatic() {
    return name.equals(StaticImage.NAME);
  }

  /** The Debian recipe (not for {@code static}). */
  public ImageRecipe recipe() {
    return new ImageRecipe(name, packages);
  }

  public boolean php() {
    return !isStatic() && recipe().php();
  }
}
