package io.hapair.agent.fs;

import java.io.IOException;

/** A filesystem step refused or failed; {@link #reason()} is a CamelCase word for status. */
public final class FilesystemException extends IOException {
  private final String reason;

  public FilesystemException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
