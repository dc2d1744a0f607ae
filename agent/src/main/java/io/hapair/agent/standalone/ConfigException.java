package io.hapair.agent.standalone;

/** A configuration file that cannot be used; the message names the file, field and line. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
