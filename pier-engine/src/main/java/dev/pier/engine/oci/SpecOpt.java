package dev.pier.engine.oci;

/**
 * One small change to an OCI runtime spec being built, as containerd's {@code SpecOpts}: a spec is the sum of
 * the options applied to it, in order ({@link SpecOpts} has Pier's). Pure.
 */
@FunctionalInterface
public interface SpecOpt {

  void apply(Spec spec);

  /** This option, then {@code next}. */
  default SpecOpt andThen(SpecOpt next) {
    return s -> {
      apply(s);
      next.apply(s);
    };
  }
}
