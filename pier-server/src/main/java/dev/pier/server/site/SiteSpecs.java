package dev.pier.server.site;

import dev.pier.engine.container.SiteSpec;
import dev.pier.engine.image.ImageRef;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.Limits;
import dev.pier.server.config.PierProperties;
import dev.pier.server.image.ImageService;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanRepository;
import org.springframework.stereotype.Component;

/** A site's row to the engine's view of it: its name, address, image version and its plan's limits. */
@Component
class SiteSpecs {

  private final PlanRepository plans;
  private final ImageService images;
  private final PierProperties props;
  private final SiteRepository repo;

  SiteSpecs(PlanRepository plans, ImageService images, PierProperties props, SiteRepository repo) {
    this.plans = plans;
    this.images = images;
    this.props = props;
    this.repo = repo;
  }

  /** The engine's view of a site, on the image version it last started on. */
  SiteSpec spec(Site s) {
    Plan plan = plans.find(s.plan()).orElse(null);
    ImageRef image = s.image().equals(StaticImage.NAME) ? ImageRef.STATIC
        : new ImageRef(s.image(), s.imageVersion() == null ? "" : s.imageVersion(), images.php(s.image()));
    return new SiteSpec(s.name(), props.hostname(s.name().value()), s.ipv4(), limits(s), plan == null ? SiteSpec.DEFAULT_DISK : plan.diskBytes(),
        image, plan != null && plan.outbound());
  }

  /**
   * The spec of a site about to start: on its image's current version, which is recorded as the one it runs. Call
   * it holding {@link ImageService#holdingVersions}. Refused (a conflict) when the image is not built yet.
   */
  SiteSpec forStart(Site s) {
    ImageRef ref = images.forStart(s.image());
    if (!ref.isStatic()) {
      repo.setImageVersion(s.name(), ref.version());
    }
    return spec(s).withImage(ref);
  }

  /** The limits of the site's plan; the defaults if the plan row is gone (plans in use cannot be deleted). */
  Limits limits(Site s) {
    return plans.find(s.plan()).map(Plan::limits).orElse(Limits.DEFAULT);
  }
}
