package io.hapair.agent.nbd;

/** The export cannot serve now (not primary, lease lapsed, volume fenced): NBD's ESHUTDOWN. */
public final class ExportUnavailableException extends RuntimeException {
  public ExportUnavailableException(String reason) {
    super(reason);
  }
}
