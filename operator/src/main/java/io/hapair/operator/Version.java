package io.hapair.operator;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by the build), for logs and --version. */
public final class Version implements IVersionProvider {
  public static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"hapair-operator " + current()};
  }
}
